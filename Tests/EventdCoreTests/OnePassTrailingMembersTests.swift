import Testing
@testable import EventdCore

/// A batch object whose array is followed by members the events do not read — Segment's
/// `{"batch":[…],"writeKey":"…"}` — is decoded in one pass too; members the events do read
/// (`context`, `sentAt`, `sent_at`, another `batch`) after the array send it back to the two-pass
/// walk. Either way the outcome must be the two-pass walk's (`testOnly_twoPassOnly`), byte for byte.
@Suite struct OnePassTrailingMembersTests {
    static let tails = [
        #"],"writeKey":"sk_bench_0123456789abcdef"}"#,
        #"] , "writeKey" : "k]" }"#,
        #"],"x":{"y":[1]},"z":"]"}"#,
        #"],"writeKey":"k","sentAt":"2025-06-01T11:00:00Z"}"#,
        #"],"sent_at":"2025-06-01T11:00:00Z"}"#,
        #"],"context":{"userAgent":"curl/8"}}"#,
        #"],"batch":5,"type":"system","name":"s"}"#,
        #"],"writeKey":"k","batch":[]}"#,
        #"],"writeKey":tru}"#,
        #"],"writeKey":"k",}"#,
        #"],"writeKey":"k"} x"#,
        #"],"\u0063ontext":{"userAgent":"curl/8"}}"#,
    ]

    @Test func agreesWithTheTwoPassWalkWhateverFollowsTheArray() {
        for inner in OnePassBatchTests.awkward {
            for tail in Self.tails {
                expectSameAsTwoPass(#"{"batch":["# + inner + tail)
                expectSameAsTwoPass(#"{"sentAt":"2025-06-01T11:00:00Z","context":{"userAgent":"curl/8"},"batch":["# + inner + tail)
            }
        }
    }

    /// Every single-byte deletion, and every insertion and replacement by a byte that matters to the
    /// grammar, at every position of a Segment body.
    @Test func agreesWithTheTwoPassWalkOnMutatedSegmentBodies() {
        let valid = Array((#"{"batch":["# + OnePassBatchTests.events.joined(separator: ",") + #"],"writeKey":"sk_1"}"#).utf8)
        OnePassBatchTests.forEachMutation(of: valid) { expectSameAsTwoPass($0) }
    }

    @Test func aSegmentBodyStoresItsEventsWithTheBatchContext() {
        let body = #"{"context":{"userAgent":"curl/8"},"batch":[\#(OnePassBatchTests.events[4]),\#(OnePassBatchTests.events[0])],"writeKey":"sk_1"}"#
        let d = decode(body)
        #expect(d.summary.accepted == 2 && d.rejections.isEmpty)
        #expect(d["user_agent"] == "curl/8")
        #expect(d.rows == decodeBytes(Array(body.utf8), twoPassOnly: true).rows)
    }

    func expectSameAsTwoPass(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectSameAsTwoPass(Array(text.utf8), sourceLocation: sourceLocation)
    }

    /// The same text decoded with the one pass allowed and by the two-pass walk alone: the same
    /// summary, rows, refusals (details included: the text is the same) and refused rows but for
    /// the random id of a refusal without the sender's id.
    func expectSameAsTwoPass(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let one = decodeBytes(bytes)
        let two = decodeBytes(bytes, twoPassOnly: true)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(one.summary == two.summary, "\(text)", sourceLocation: sourceLocation)
        #expect(one.rows == two.rows, "\(text)", sourceLocation: sourceLocation)
        #expect(one.rejections == two.rejections, "\(text)", sourceLocation: sourceLocation)
        let withoutID = { (rows: [String]) in rows.map { $0.split(separator: "\t", omittingEmptySubsequences: false).dropLast() } }
        #expect(withoutID(one.rejectedRows) == withoutID(two.rejectedRows), "\(text)", sourceLocation: sourceLocation)
    }
}
