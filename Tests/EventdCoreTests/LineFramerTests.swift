import Testing
@testable import EventdCore

@Suite struct LineFramerTests {
    enum Out: Equatable { case line(String), oversize(prefix: Int, size: Int) }

    func feed(_ framer: inout LineFramer, _ chunks: [String], finish: Bool = true) -> [Out] {
        var out: [Out] = []
        let sink: (LineFramer.Frame) -> Void = { f in
            switch f {
            case .line(let b): out.append(.line(String(decoding: b, as: UTF8.self)))
            case .oversize(let p, let size): out.append(.oversize(prefix: p.count, size: size))
            }
        }
        for c in chunks { Array(c.utf8).withUnsafeBytes { framer.feed($0, sink) } }
        if finish { framer.finish(sink) }
        return out
    }

    @Test func yieldsLinesAcrossSplitReadsAndSkipsBlankLines() {
        var f = LineFramer(maxLineBytes: 100)
        #expect(feed(&f, ["{\"a\"", ":1}\r\n\n  \r\n{\"b\":2}\n{\"c\"", ":3}"]) == [.line("{\"a\":1}"), .line("{\"b\":2}"), .line("{\"c\":3}")])
        #expect(f.pendingByteCount == 0)
    }

    @Test func carriesAPartialLineUntilItsNewline() {
        var f = LineFramer(maxLineBytes: 100)
        #expect(feed(&f, ["abc", "def"], finish: false) == [])
        #expect(f.pendingByteCount == 6)
        #expect(feed(&f, ["\n"], finish: false) == [.line("abcdef")])
    }

    @Test func dropsOversizeLinesAndResyncsAtTheNextNewline() {
        var f = LineFramer(maxLineBytes: 10)
        let long = String(repeating: "x", count: 25)
        #expect(feed(&f, ["ok\n" + long.prefix(8), String(long.dropFirst(8)) + "\nfine\n"]) == [.line("ok"), .oversize(prefix: 25, size: 25), .line("fine")])
        // An oversize line wholly inside one read, and one that ends the stream.
        #expect(feed(&f, [long + "\n", long]) == [.oversize(prefix: 25, size: 25), .oversize(prefix: 25, size: 25)])
        #expect(f.rejection(forOversize: 25).reason == .eventTooLarge)
    }

    @Test func doesNotBufferAnOversizeLineUnbounded() {
        var f = LineFramer(maxLineBytes: 1024, oversizeReason: .batchTooLarge)
        let chunk = String(repeating: "y", count: 4096)
        var out = feed(&f, Array(repeating: chunk, count: 100), finish: false)
        #expect(out.isEmpty)
        #expect(f.pendingByteCount == 409_600)  // counted, not held: only the 8 KiB prefix is kept
        out = feed(&f, ["\n"], finish: false)
        #expect(out == [.oversize(prefix: CopyRowEncoder.maxRawBytes, size: 409_600)])
        #expect(f.rejection(forOversize: 409_600).reason == .batchTooLarge)
    }

    /// Frames `bytes` fed in pieces of the given sizes (the last piece takes the rest), then finishes.
    func frames(_ bytes: [UInt8], maxLineBytes: Int, pieces: [Int] = []) -> [Out] {
        var framer = LineFramer(maxLineBytes: maxLineBytes)
        var out: [Out] = []
        let sink: (LineFramer.Frame) -> Void = { f in
            switch f {
            case .line(let b): out.append(.line(String(decoding: b, as: UTF8.self)))
            case .oversize(let p, let size): out.append(.oversize(prefix: p.count, size: size))
            }
        }
        var offset = 0
        for n in pieces + [bytes.count] where offset < bytes.count {
            let end = min(bytes.count, offset + n)
            Array(bytes[offset..<end]).withUnsafeBytes { framer.feed($0, sink) }
            offset = end
        }
        framer.finish(sink)
        return out
    }

    // Found by Tests/Fuzz (FuzzFraming): an oversize CRLF line read in pieces was reported one byte longer,
    // with the `\r` in its dead-letter prefix, than the same line read whole.
    @Test func reportsAnOversizeCRLFLineTheSameWhateverTheReadSizes() {
        let input: [UInt8] = [0x03, 0x03, 0x09, 0x0D, 0x0A, 0xA0]  // the fuzzer's input, maxLineBytes 1
        let whole = frames(input, maxLineBytes: 1)
        #expect(whole == [.oversize(prefix: 3, size: 3), .line("\u{FFFD}")])
        for first in 1..<input.count {
            #expect(frames(input, maxLineBytes: 1, pieces: [first]) == whole, "first read of \(first) bytes")
        }
        #expect(frames(input, maxLineBytes: 1, pieces: Array(repeating: 1, count: input.count)) == whole)
        let long = Array(String(repeating: "x", count: 9000).utf8) + [0x0D, 0x0A]
        #expect(frames(long, maxLineBytes: 100, pieces: [50, 8950]) == [.oversize(prefix: CopyRowEncoder.maxRawBytes, size: 9000)])
        #expect(frames(long, maxLineBytes: 100) == [.oversize(prefix: CopyRowEncoder.maxRawBytes, size: 9000)])
    }

    // Same oracle (split vs whole, Tests/Fuzz FuzzFraming), seen while fixing the case above: a whitespace-only
    // line over the limit was skipped when read whole (blank lines are skipped) but reported as oversize when it
    // arrived in pieces.
    @Test func skipsABlankOversizeLineWhateverTheReadSizes() {
        let input = Array((String(repeating: " \t\r", count: 10) + "\r\nok\n" + String(repeating: " ", count: 30)).utf8)
        #expect(frames(input, maxLineBytes: 8) == [.line("ok")])
        for first in [1, 5, 9, 31, 33] {
            #expect(frames(input, maxLineBytes: 8, pieces: [first, 3]) == [.line("ok")], "first read of \(first) bytes")
        }
    }

    @Test func framesLinesInsideOneDatagram() {
        var out: [String] = []
        Array("{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}".utf8).withUnsafeBytes { d in
            LineFramer.forEachLine(inDatagram: d, maxLineBytes: 100) { f in
                if case .line(let b) = f { out.append(String(decoding: b, as: UTF8.self)) }
            }
        }
        #expect(out == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }
}
