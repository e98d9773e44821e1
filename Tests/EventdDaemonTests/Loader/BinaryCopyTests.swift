@testable import EventdDaemon
import EventdCore
import EventdPostgres
import Foundation
import Logging
import Testing
@testable import EventdTesting

/// `loader.copy_format = "binary"` stores exactly what text does: the same rows loaded both ways read
/// back identical (every column as PostgreSQL prints it), through the fast path, the staging path and
/// the dead-letter path.
@Suite(.serialized)
struct BinaryCopyTests {
    /// Every column of analytics.events but created_at (the COPY's own clock), as text, in a stable order.
    static let storedRows = """
        SELECT \(CopyRowEncoder.eventsColumnList.split(separator: ",").map { "(\($0))::text" }.joined(separator: ","))
        FROM analytics.events ORDER BY event_id, original_timestamp
        """
    static let storedRefusals = """
        SELECT received_at::text, transport::text, source_ip::text, source_key, reason, detail, message_id,
               batch_index, encode(raw, 'hex'), raw_size, rejection_id::text
        FROM analytics.rejected_events ORDER BY rejection_id
        """

    @Test func binaryAndTextStoreIdenticalRows() throws {
        try withTestDatabase { database in
            // The very same rows both ways (a refusal's rejection_id is random: decoding again would differ).
            let batches = try Self.coverageBatches()
            #expect(RowSelection.all(of: batches).encodeBinary(into: RowBuffer()), "binary, not the text fallback")
            let text = try Self.load(batches, format: .text, in: database)
            let binary = try Self.load(batches, format: .binary, in: database)
            #expect(text.rows.count == Self.coverageLineCount)
            #expect(text.rows == binary.rows)
            #expect(!text.refusals.isEmpty && text.refusals == binary.refusals)
            // What the batches were built to hold, so a decoder change cannot quietly shrink the coverage.
            let columns = text.rows.map { $0 }
            #expect(Set(columns.map { $0[2] }) == Set(EventType.allCases.map(\.rawValue)), "every event type")
            #expect(Set(columns.map { $0[13] }) == Set(Transport.allCases.map(\.rawValue)), "every transport")
            #expect(columns.contains { $0[14].contains(":") } && columns.contains { $0[14].contains(".") }, "IPv6 and IPv4")
            #expect(columns.contains { $0[14] == "NULL" } && columns.contains { $0[9] == "NULL" }, "NULLs")
            #expect(columns.contains { $0[8].hasPrefix("0001-01-01 00:00:00") }, "the earliest timestamp")
            #expect(columns.contains { $0[8].hasPrefix("9999-12-31 23:59:59.999999") }, "the latest timestamp")
            #expect(columns.contains { $0[11].contains("😀") && $0[11].contains("\\\\") && $0[11].contains("\\t") })
        }
    }

    @Test func duplicatesGoThroughStagingInBinary() throws {
        try withTestDatabase { database in
            let loader = CopyLoader(logger: Logger(label: "test"), format: .binary) { try database.connect() }
            defer { loader.disconnect() }
            let first = try loader.load(Self.coverageBatches())
            let again = try loader.load(Self.coverageBatches())
            #expect(first.inserted == Self.coverageLineCount && first.duplicates == 0)
            #expect(again.inserted == 0 && again.duplicates == Self.coverageLineCount, "staging absorbed every resend")
            #expect(try database.scalar("SELECT count(*) FROM analytics.events") == Self.coverageLineCount)
        }
    }

    @Test func poisonRowIsDeadLetteredTheSameWayInBothFormats() throws {
        try withTestDatabase { database in
            let admin = try database.connect()
            try admin.execute("ALTER TABLE analytics.events ADD CONSTRAINT test_no_poison CHECK (name <> 'poison')")
            admin.close()
            let lines = (0..<40).map { i in
                #"{"type":"track","event":"\#(i == 23 ? "poison" : "fine")","anonymousId":"a","messageId":"p-\#(i)","timestamp":"2026-11-25T12:00:00Z"}"#
            }
            let batches = [try Self.batch(lines, context: IngestContext(receivedAt: Timestamp.now(), transport: .tcp))]
            var reports: [LoadReport] = []
            let text = try Self.load(batches, format: .text, in: database) { reports.append($0) }
            let binary = try Self.load(batches, format: .binary, in: database) { reports.append($0) }
            #expect(reports.map(\.refused.count) == [1, 1] && reports.map(\.inserted) == [39, 39])
            #expect(text.rows.count == 39 && text.rows == binary.rows)
            // The server's message names the format's own context (a text row is quoted), so not `detail`; received_at is the INSERT's clock.
            func comparable(_ rows: [[String]]) -> [[String]] { rows.map { Array($0[1..<5]) + Array($0.suffix(3)) } }
            #expect(text.refusals.count == 1 && comparable(text.refusals) == comparable(binary.refusals))
            #expect(binary.refusals.first?[4] == "rejected_by_database")
            #expect(binary.refusals.first?[5].contains("test_no_poison") == true)
        }
    }

    @Test func cutWithARowTheEncoderCannotReadIsSentAsText() throws {
        try withTestDatabase { database in
            let line = #"{"type":"track","event":"short","anonymousId":"a","messageId":"s-1","timestamp":"2026-11-25T12:00:00Z"}"#
            let decoded = try Self.batch([line], context: IngestContext(receivedAt: Timestamp.now(), transport: .tcp))
            // A timestamp PostgreSQL reads but `BinaryCopyEncoder` does not (not the 29-byte form eventd writes).
            let row = decoded.events.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
                .replacingOccurrences(of: "12:00:00.000000+00", with: "12:00:00+00")
            let batch = IngestBatch()
            var bytes = Array(row.utf8)
            #expect(bytes.withUnsafeMutableBytes { batch.events.appendEncodedRows(UnsafeRawBufferPointer($0), minOccurredAt: 0, maxOccurredAt: 0) })
            #expect(!RowSelection.all(of: [batch]).encodeBinary(into: RowBuffer()))
            let loader = CopyLoader(logger: Logger(label: "test"), format: .binary) { try database.connect() }
            defer { loader.disconnect() }
            #expect(try loader.load([batch]).inserted == 1)
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE original_timestamp = '2026-11-25 12:00:00+00'") == 1)
        }
    }

    // MARK: - Support

    /// Loads `batches` with a loader of `format` into an emptied database, and reads back what landed.
    static func load(
        _ batches: [IngestBatch], format: CopyFormat, in database: TestDatabase, report: (LoadReport) -> Void = { _ in }
    ) throws -> (rows: [[String]], refusals: [[String]]) {
        let admin = try database.connect()
        defer { admin.close() }
        try admin.execute("TRUNCATE analytics.events, analytics.rejected_events, analytics.untimed_event_ids")
        let loader = CopyLoader(logger: Logger(label: "test"), format: format) { try database.connect() }
        defer { loader.disconnect() }
        report(try loader.load(batches))
        return (try rows(admin, storedRows), try rows(admin, storedRefusals))
    }

    static func rows(_ connection: PostgresConnection, _ sql: String) throws -> [[String]] {
        try connection.query(sql).rows.map { $0.values.map { $0 ?? "NULL" } }
    }

    static func batch(_ lines: [String], context: IngestContext) throws -> IngestBatch {
        let batch = IngestBatch()
        var decoder = EventDecoder()
        for line in lines {
            _ = decoder.decode(line, context: context, into: batch.events, rejected: batch.rejections)
        }
        batch.received = lines.count
        return batch
    }

    static let coverageLineCount = EventType.allCases.count * Transport.allCases.count + 2

    /// One event per type and transport (IPv4, IPv6 and no address; with and without optional fields),
    /// escape-heavy unicode text and jsonb, timestamps at both ends of what eventd stores, and a refusal.
    static func coverageBatches() throws -> [IngestBatch] {
        var batches: [IngestBatch] = []
        let addresses = [SourceAddress("203.0.113.77"), SourceAddress("2001:db8:85a3::8a2e:370:7334"), nil]
        for (t, transport) in Transport.allCases.enumerated() {
            let context = IngestContext(
                receivedAt: 1_795_000_000_123_456, transport: transport, sourceAddress: addresses[t % 3],
                anonymiseSourceAddress: t == 1, sourceKey: t % 2 == 0 ? "web\tkey\\x" : nil,
                userAgent: t % 2 == 0 ? "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1" : nil,
                country: t % 2 == 0 ? "DE" : nil)
            let lines = EventType.allCases.enumerated().map { i, type in
                let who = i % 2 == 0 ? #""userId":"ü\\tser\n\#(i)""# : #""anonymousId":"anon-\#(i)""#
                let sent = i % 3 == 0 ? #","sentAt":"2026-11-17T10:00:00.5Z""# : ""
                return #"{"type":"\#(type.rawValue)","event":"e\\\\v\#(i)","name":"n\#(i)",\#(who),"messageId":"m-\#(t)-\#(i)","#
                    + #""timestamp":"2026-11-17T09:59:59.999999Z"\#(sent),"groupId":"g","previousId":"p","#
                    + #""properties":{"s":"tab\there\nnew \\ back \"q\" ✓ 😀 \u0000 \ud800","n":1.5e300,"url":"https://x.io/a?utm_source=s&gclid=G"},"#
                    + #""context":{"page":{"url":"https://x.io/p?q=1"},"ip":"198.51.100.7"}}"#
            }
            batches.append(try batch(lines, context: context))
        }
        // The ends of the range: 0001-01-01 and 9999-12-31T23:59:59.999999 (IngestContext at each end, so
        // the decoder's window around receipt accepts them).
        for (received, stamp) in [(Timestamp.minMicros, "0001-01-01T00:00:00Z"), (Timestamp.maxMicros, "9999-12-31T23:59:59.999999Z")] {
            let context = IngestContext(receivedAt: received, transport: .http)
            batches.append(try batch(
                [#"{"type":"track","event":"edge","anonymousId":"a","messageId":"edge-\#(stamp)","timestamp":"\#(stamp)"}"#,
                 #"{"type":"nope"}"#],
                context: context))
        }
        return batches
    }
}
