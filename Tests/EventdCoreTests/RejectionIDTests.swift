import Testing
@testable import EventdCore

/// `rejection_id`, the dead letter's idempotency key: the same refusal written again is the same key,
/// distinct refusals are distinct keys.
@Suite struct RejectionIDTests {
    func rejectionIDs(_ text: String, _ context: IngestContext = testContext()) -> [String] {
        decode(text, context).rejectedRows.map { String($0.split(separator: "\t").last!) }
    }

    func context(receivedAt: Int64 = testReceivedAt, sourceKey: String? = "web") -> IngestContext {
        var context = testContext(sourceKey: sourceKey)
        context.receivedAt = receivedAt
        return context
    }

    static let badWithID = #"{"type":"nope","name":"n","messageId":"m-1"}"#

    @Test func aResentRefusalWithASenderIDKeepsItsKey() {
        let first = rejectionIDs(Self.badWithID, context())
        let resent = rejectionIDs(Self.badWithID, context(receivedAt: testReceivedAt + 60_000_000))
        let inABatch = rejectionIDs(#"{"batch":[\#(Self.badWithID)]}"#)
        #expect(first.count == 1 && EventUUID.parse(first[0])?.version == 8)
        #expect(resent == first, "a minute later, the same bytes under the same id")
        #expect(inABatch == first, "the same event inside a batch")
    }

    @Test func differentBytesOrWriteKeysUnderOneSenderIDAreDistinct() {
        let base = rejectionIDs(Self.badWithID)
        #expect(rejectionIDs(#"{"type":"nope","name":"other","messageId":"m-1"}"#) != base)
        #expect(rejectionIDs(Self.badWithID, context(sourceKey: "server")) != base)
        #expect(rejectionIDs(Self.badWithID, context(sourceKey: nil)) != base)
    }

    @Test func refusalsWithoutASenderIDGetAKeyPerReceipt() {
        let ids = rejectionIDs(#"{"batch":[{"type":"nope","name":"n"},{"type":"nope","name":"n"}]}"#)
        let again = rejectionIDs("not json")
        #expect(ids.count == 2 && Set(ids).count == 2, "two identical id-less refusals stay two")
        #expect(again != rejectionIDs("not json"), "a second receipt is a second refusal")
        let key = EventUUID.parse(ids[0])
        #expect(key?.version == 7 && key.map { Int64($0.hi >> 16) } == testReceivedAt / 1000, "time-ordered by receipt")
    }

    @Test func aDatabaseRefusalIsKeyedByTheEventsIdentity() {
        let row = decode(#"{"type":"track","event":"e","anonymousId":"a","messageId":"m-9","timestamp":"2025-06-01T11:00:00Z"}"#)
        let later = decode(#"{"type":"track","event":"e","anonymousId":"a","messageId":"m-9","timestamp":"2025-06-01T11:00:00Z"}"#,
                           context(receivedAt: testReceivedAt + 5_000_000))
        let otherTime = decode(#"{"type":"track","event":"e","anonymousId":"a","messageId":"m-9","timestamp":"2025-06-01T11:00:01Z"}"#)
        let key = { (d: Decoded) in RejectionID.forDatabaseRefusal(eventRow: Array(d.rows[0].utf8)) }
        #expect(row.rows[0] != later.rows[0], "received_at differs")
        #expect(key(row) == key(later))
        #expect(key(row) != key(otherTime), "another original_timestamp is another event")
    }

    @Test func legacyRowsGetADeterministicKeyAppended() {
        let rows = "2025-06-01 12:00:00+00\ttcp\t\\N\t\\N\tmalformed_json\td\t\\N\t\\N\t\\\\x61\t1\n"
        func upgraded() -> [String] {
            let out = RowBuffer(table: .rejectedEvents)
            let ok = Array((rows + rows).utf8).withUnsafeBytes { CopyRowEncoder.appendLegacyRejections($0, to: out) }
            #expect(ok)
            return rowsOf(out)
        }
        let first = upgraded()
        #expect(first.count == 2)
        #expect(first[0].hasPrefix(String(rows.dropLast()) + "\t"))
        #expect(first[0].split(separator: "\t").count == 11)
        #expect(first[0] != first[1], "two identical rows in a record stay two")
        #expect(upgraded() == first, "replaying the same legacy record gives the same keys")
        let torn = RowBuffer(table: .rejectedEvents)
        #expect(!Array(rows.dropLast().utf8).withUnsafeBytes { CopyRowEncoder.appendLegacyRejections($0, to: torn) })
        #expect(torn.rowCount == 0)
    }
}
