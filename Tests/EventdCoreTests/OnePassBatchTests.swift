import Testing
@testable import EventdCore

/// A `{"batch":[…]}` text whose array is the last member is decoded in one pass
/// (`DecodePass+OnePass.swift`); any other text, or any doubt, takes the two-pass walk. The same
/// batch with one ignored member after the array (`,"x":1`), decoded by the two-pass walk alone
/// (`testOnly_twoPassOnly`), is the reference: the two decodings must agree row for row and refusal
/// for refusal. Members after the array: `OnePassTrailingMembersTests`.
@Suite struct OnePassBatchTests {
    static let events = [
        #"{"type":"track","event":"Signed Up","userId":"u1","messageId":"m-1","timestamp":"2025-06-01T11:59:00Z","properties":{"plan":"pro","n":[1,2.5e3,{"x":null}]},"context":{"userAgent":"Mozilla/5.0 (Macintosh) Safari/605.1.15","page":{"url":"https://ex.com/p?utm_source=news&gclid=abc"},"location":{"country":"de"}}}"#,
        #"{"type":"page","name":"Home","anonymousId":"a\"2","context":{"campaign":{"name":"c\u00e9"}},"properties":{"path":"/h","s":"\u0000"}}"#,
        #"{"type":"user_action","name":"click","session_id":7,"properties":{"url":"https://ex.com/x?a=%41"}}"#,
        #"{"type":"identify","userId":"u3","traits":{"email":"e@x","tags":["a","]"]},"sentAt":"2025-06-01T12:00:01Z"}"#,
        #"{"type":"track","event":"No id","userId":"u4"}"#,
    ]

    /// Inner texts of the batch array that are refused in part or in whole.
    static let awkward = [
        "", " ", events[0], events.joined(separator: ",\n "),
        #"{"type":"track","event":"bad","messageId":"m1"}, \#(events[2])"#,  // refused by validation only
        #"\#(events[0]), "just a string", 5, null, \#(events[1])"#,
        #"\#(events[0]), {"type":"track","properties":{"a":tru}}, \#(events[1])"#,
        #"\#(events[0]),"#, #",\#(events[0])"#, #"\#(events[0]) \#(events[1])"#,
        #"x{], 1"#, #"\#(events[2]), x{"#, #"{"a":"]"}, {"b":[}"#, #"\#(events[0]), {"type":"track""#,
        #"{"type":"user_action","name":"n\#u{FF}"}"#, #"[], {}"#,
    ]

    @Test func agreesWithTheTwoPassWalk() {
        for inner in Self.awkward {
            expectSameOutcome(Array(inner.utf8))
            expectSameOutcome(Array(inner.utf8), prefix: #"{"sentAt":"2025-06-01T11:00:00Z","context":{"userAgent":"curl/8"},"#)
        }
    }

    /// Every single-byte deletion, and every insertion and replacement by a byte that matters to
    /// the grammar (or is not UTF-8), at every position of a valid batch.
    @Test func agreesWithTheTwoPassWalkOnMutatedBatches() {
        Self.forEachMutation(of: Array(Self.events.joined(separator: ",").utf8)) { expectSameOutcome($0) }
    }

    /// Calls `body` with every single-byte deletion, and every insertion and replacement by a byte
    /// that matters to the grammar (or is not UTF-8), at every position of `valid`.
    static func forEachMutation(of valid: [UInt8], _ body: ([UInt8]) -> Void) {
        let alphabet = Array(#"{}[]",:\"#.utf8) + [0xFF]
        for at in valid.indices {
            var deleted = valid
            deleted.remove(at: at)
            body(deleted)
            for byte in alphabet {
                var inserted = valid
                inserted.insert(byte, at: at)
                body(inserted)
                var replaced = valid
                replaced[at] = byte
                body(replaced)
            }
        }
    }

    @Test func batchFieldsAfterTheArrayStillApplyToItsEvents() {
        let batch = #""batch":[\#(Self.events[4])]"#
        let late = decode(#"{\#(batch),"sentAt":"2025-06-01T11:00:00Z","context":{"userAgent":"curl/8"},"z":[1]}"#)
        let early = decode(#"{"sentAt":"2025-06-01T11:00:00Z","context":{"userAgent":"curl/8"},\#(batch)}"#)
        #expect(late.rows == early.rows && late.summary.accepted == 1)
        #expect(late["user_agent"] == "curl/8")
    }

    @Test func aSecondBatchArrayWinsAsBefore() {
        let d = decode(#"{"batch":[\#(Self.events[4])],"batch":[\#(Self.events[2]),\#(Self.events[2])]}"#)
        #expect(d.summary.accepted == 2)
        let single = decode(#"{"batch":[\#(Self.events[4])],"batch":5,"type":"system","name":"s","tags":[1]}"#)
        #expect(single.rows.map { $0.split(separator: "\t")[3] } == ["s"])
    }

    @Test func aSingleEventEndingInAnArrayIsOneEvent() {
        let one = decode(#"{"type":"user_action","name":"a","userId":"u","tags":[1]}"#)
        let two = decode(#"{"tags":[1],"type":"user_action","name":"a","userId":"u"}"#)
        #expect(one.summary.accepted == 1 && one.rows == two.rows)
    }

    /// Decodes `prefix + "batch":[inner]}` (one pass when it can) and the same with `,"x":1` after the
    /// array by the two-pass walk alone, and expects the same rows and refusals. Whole-text refusals
    /// are compared by reason: their detail names byte positions, which the extra member can move.
    func expectSameOutcome(_ inner: [UInt8], prefix: String = "{", sourceLocation: SourceLocation = #_sourceLocation) {
        let head = Array(#"\#(prefix)"batch":["#.utf8)
        let one = decodeBytes(head + inner + Array("]}".utf8))
        let two = decodeBytes(head + inner + Array(#"],"x":1}"#.utf8), twoPassOnly: true)
        let text = String(decoding: inner, as: UTF8.self)
        #expect(one.summary == two.summary, "\(text)", sourceLocation: sourceLocation)
        #expect(one.rows == two.rows, "\(text)", sourceLocation: sourceLocation)
        #expect(one.rejections.map(\.reason) == two.rejections.map(\.reason), "\(text)", sourceLocation: sourceLocation)
        #expect(one.rejections.map(\.index) == two.rejections.map(\.index), "\(text)", sourceLocation: sourceLocation)
        #expect(one.rejections.map(\.messageId) == two.rejections.map(\.messageId), "\(text)", sourceLocation: sourceLocation)
        if one.rejections.allSatisfy({ $0.index != nil }) {
            #expect(one.rejections == two.rejections, "\(text)", sourceLocation: sourceLocation)
            // The last column is the refusal's id: random for a refusal without the sender's id.
            let withoutID = { (rows: [String]) in rows.map { $0.split(separator: "\t", omittingEmptySubsequences: false).dropLast() } }
            #expect(withoutID(one.rejectedRows) == withoutID(two.rejectedRows), "\(text)", sourceLocation: sourceLocation)
        }
    }
}
