// libFuzzer target: NDJSON framing (Sources/EventdCore/Framing/LineFramer.swift).
//
// Input layout: byte 0 picks `maxLineBytes` (1…256, so the oversize paths are reached with small inputs),
// byte 1 seeds the split points; the rest is the stream. Oracles:
//   • a TCP stream fed in random pieces frames exactly like the same bytes fed in one piece;
//   • every `.line` is non-blank, holds no `\n`, is at most `maxLineBytes` long and does not end with the `\r`
//     of a CRLF; every `.oversize` reports a size above the limit and a prefix of at most 8 KiB;
//   • a UDP datagram (`forEachLine(inDatagram:)`) frames like a stream that ends after the same bytes.
import EventdCore

enum Framed: Equatable, CustomStringConvertible {
    case line([UInt8])
    case oversize(prefix: [UInt8], size: Int)

    var description: String {
        switch self {
        case .line(let b): "line(\(b.count) bytes: \(String(decoding: b.prefix(40), as: UTF8.self).debugDescription))"
        case .oversize(let p, let s): "oversize(prefix \(p.count) bytes, size \(s))"
        }
    }
}

func record(_ frame: LineFramer.Frame, into out: inout [Framed], maxLineBytes: Int) {
    switch frame {
    case .line(let bytes):
        let b = Array(bytes)
        check(!b.isEmpty && b.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }), "blank line emitted")
        check(!b.contains(0x0A), "a line holds a newline")
        check(b.count <= maxLineBytes, "a line of \(b.count) bytes passed the limit \(maxLineBytes)")
        out.append(.line(b))
    case .oversize(let prefix, let size):
        check(size > maxLineBytes, "oversize frame of \(size) bytes within the limit \(maxLineBytes)")
        check(prefix.count <= CopyRowEncoder.maxRawBytes && prefix.count <= size, "oversize prefix too long")
        out.append(.oversize(prefix: Array(prefix), size: size))
    }
}

/// xorshift: cheap, deterministic split points.
struct Splits {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Int(state % UInt64(bound))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFraming(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let maxLineBytes = Int(data[0]) + 1
    var splits = Splits(state: UInt64(data[1]) &* 0x9E37_79B9_7F4A_7C15 | 1)
    let stream = UnsafeRawBufferPointer(start: data + 2, count: size - 2)

    var whole: [Framed] = []
    var framer = LineFramer(maxLineBytes: maxLineBytes)
    framer.feed(stream) { record($0, into: &whole, maxLineBytes: maxLineBytes) }
    framer.finish { record($0, into: &whole, maxLineBytes: maxLineBytes) }
    check(framer.pendingByteCount == 0, "bytes left pending after finish")

    var pieces: [Framed] = []
    var chunked = LineFramer(maxLineBytes: maxLineBytes)
    var offset = 0
    while offset < stream.count {
        let n = min(stream.count - offset, 1 + splits.next(max(2, maxLineBytes / 2 + 8)))
        // A fresh copy per piece: the framer must not keep pointers into a previous read.
        let piece = Array(stream[offset..<(offset + n)])
        piece.withUnsafeBytes { chunked.feed($0) { record($0, into: &pieces, maxLineBytes: maxLineBytes) } }
        offset += n
    }
    chunked.finish { record($0, into: &pieces, maxLineBytes: maxLineBytes) }
    if pieces != whole {
        fatalError("split framing differs from one-shot framing:\n  one-shot: \(whole)\n  split:    \(pieces)")
    }

    var datagram: [Framed] = []
    LineFramer.forEachLine(inDatagram: stream, maxLineBytes: maxLineBytes) {
        record($0, into: &datagram, maxLineBytes: maxLineBytes)
    }
    if datagram != whole {
        fatalError("datagram framing differs from stream framing:\n  stream:   \(whole)\n  datagram: \(datagram)")
    }
    return 0
}

/// `precondition` that keeps its message in release builds (the fuzz targets are built with -O).
@inline(__always)
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "") {
    if !condition() { fatalError(message()) }
}
