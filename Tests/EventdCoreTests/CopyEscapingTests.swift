import Testing
@testable import EventdCore

@Suite struct CopyEscapingTests {
    func escaped(_ s: String) -> String {
        let b = RowBuffer(initialCapacity: 16)
        b.appendEscaped(s)
        return b.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test func escapesBackslashNewlineCarriageReturnAndTab() {
        #expect(escaped("a\\b\nc\rd\te") == "a\\\\b\\nc\\rd\\te")
        // Long runs take the 8-byte path; escapes at every position of a word must still be caught.
        for k in 0..<20 {
            var s = Array(repeating: "x", count: 20)
            s[k] = "\t"
            #expect(escaped(s.joined()) == s.joined().replacingTab())
        }
        #expect(escaped("ünïcødé 😀 plain text that is long enough") == "ünïcødé 😀 plain text that is long enough")
    }

    @Test func writesNullsAndByteaHex() {
        let b = RowBuffer(initialCapacity: 16)
        b.null(); b.tab(); b.appendByteaHex([0x00, 0xAB, 0x5C], 3)
        #expect(b.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == "\\N\t\\\\x00ab5c")
    }

    @Test func columnListsMatchTheContract() {
        #expect(CopyRowEncoder.eventsColumnList.split(separator: ",").count == 32)
        #expect(!CopyRowEncoder.eventsColumnList.contains("created_at"))
        #expect(CopyRowEncoder.rejectedColumnList.split(separator: ",").count == 11)
        #expect(CopyRowEncoder.copyStatement(for: .events).hasPrefix("COPY analytics.events (event_id, message_id, type,"))
    }

    @Test func rowBufferSplitsRowsAndRollsBack() {
        let d = decode(#"[{"type":"system","name":"a"},{"type":"system","name":"b"},{"type":"system","name":"c"}]"#)
        let b = d.buffer
        #expect(b.rowCount == 3)
        let copy = RowBuffer()
        copy.appendRows(of: b, 1..<3)
        #expect(rowsOf(copy) == Array(d.rows[1...]))
        let mark = copy.mark
        copy.appendRows(of: b, 0..<1)
        copy.rollback(to: mark)
        #expect(copy.rowCount == 2)
        b.removeAll(keepingCapacity: true)
        #expect(b.count == 0 && b.rowCount == 0 && b.byteCount >= 256)
    }
}

private extension String {
    func replacingTab() -> String { split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "\\t") }
}
