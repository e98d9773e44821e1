import Testing

@testable import EventdCore

/// Issue #14, finding 7: a refused body's stored bytes never keep its write key.
@Suite struct WriteKeyRedactionTests {
    /// The `raw` column (hex bytea, the 9th) of the only refusal row, decoded.
    static func storedRaw(_ text: String) -> String {
        let decoded = decode(text)
        let row = decoded.rejectedRows.first ?? ""
        let hex = row.split(separator: "\t", omittingEmptySubsequences: false)[8].dropFirst(3)  // "\\x"
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            bytes.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func malformedBodyIsStoredWithItsWriteKeyMasked() {
        let raw = Self.storedRaw(#"{"writeKey": "sk_live_SECRET", "batch":[{"type":"track" oops"#)
        #expect(!raw.contains("sk_live_SECRET"))
        #expect(raw.contains(#""writeKey": "**************""#), "masked byte for byte: \(raw)")
        #expect(raw.contains(#""batch":[{"type":"track" oops"#), "everything else is kept")
    }

    @Test func snakeCaseAndEscapedValuesAreMaskedToo() {
        let raw = Self.storedRaw(#"{"write_key":"a\"b", oops"#)
        #expect(raw == #"{"write_key":"****", oops"#)
    }

    @Test func formFieldsAreMasked() {
        var masked: [Int] = []
        let body: [UInt8] = Array("event=x&writeKey=sk_1&userId=u".utf8)
        body.withUnsafeBytes { WriteKeyRedaction.forEachSecretByte(in: $0) { masked.append($0) } }
        #expect(masked == Array(17..<21))
    }

    @Test func otherFieldsThatMerelyMentionTheNameAreLeftAlone() {
        var masked = 0
        let body: [UInt8] = Array(#"{"note":"my writeKey is elsewhere","xwriteKey=1"}"#.utf8)
        body.withUnsafeBytes { WriteKeyRedaction.forEachSecretByte(in: $0) { _ in masked += 1 } }
        #expect(masked == 0)
    }
}
