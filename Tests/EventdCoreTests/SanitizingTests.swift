import Testing
@testable import EventdCore

@Suite struct SanitizingTests {
    @Test func nulEscapesAreRewrittenInJSONBAndText() {
        let d = decode(#"{"type":"user_action","name":"a\u0000b","properties":{"k":"x\u0000y","ok":"\ud83d\ude00"}}"#)
        #expect(d.summary == DecodeSummary(accepted: 1, sanitized: 1))
        #expect(d["name"] == "a\u{FFFD}b")
        #expect(d["properties"] == #"{"k":"x\\ufffdy","ok":"\\ud83d\\ude00"}"#)
    }

    @Test func loneSurrogatesAreRewritten() {
        let d = decode(#"{"type":"user_action","name":"n","properties":{"hi":"\uD800x","lo":"\uDC00","pair":"\uD83D\uDE00","hihi":"\ud800\ud800"}}"#)
        #expect(d.summary.sanitized == 1)
        #expect(d["properties"] == #"{"hi":"\\ufffdx","lo":"\\ufffd","pair":"\\uD83D\\uDE00","hihi":"\\ufffd\\ufffd"}"#)
    }

    @Test func sanitisedKeysAndContextToo() {
        let d = decode(#"{"type":"user_action","name":"n","context":{"\u0000":"v"}}"#)
        #expect(d["context"] == #"{"\\ufffd":"v"}"#)
    }
}
