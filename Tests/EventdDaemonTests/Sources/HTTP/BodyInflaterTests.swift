@testable import EventdDaemon
import NIOCore
import Testing
@testable import EventdTesting

/// `BodyInflater` on its own: the same body inflates the same however the network splits it into reads.
@Suite struct BodyInflaterTests {
    /// Inflates `body` fed in pieces of the given sizes (the last piece takes the rest).
    func inflate(_ body: [UInt8], _ encoding: BodyInflater.Encoding, pieces: [Int], limit: Int = 1 << 20)
        -> (BodyInflater.Status, [UInt8])
    {
        let inflater = BodyInflater(encoding: encoding)
        var output = ByteBuffer()
        var status = BodyInflater.Status.needsMore
        var offset = 0
        for n in pieces + [body.count] where offset < body.count && status == .needsMore {
            let end = min(body.count, offset + n)
            status = Array(body[offset..<end]).withUnsafeBytes { inflater.inflate($0, into: &output, limit: limit) }
            offset = end
        }
        return (status, Array(output.readableBytesView))
    }

    // Found by Tests/Fuzz (FuzzHTTPBody): a raw (not zlib-wrapped) deflate body whose first read was shorter than
    // the zlib header lost one byte when retried as raw deflate (the retry skipped as many bytes of the current
    // read as the whole replay buffer held), so a valid body was refused as malformed or inflated to garbage.
    @Test func rawDeflateInflatesTheSameWhateverTheReadSizes() throws {
        let text = Array((0..<20).map { #"{"type":"track","event":"e\#($0 * 7919)","anonymousId":"a\#($0 * 104_729)"}"# + "\n" }
            .joined().utf8)
        let gzip = try compress(text)
        let raw = Array(gzip[10..<(gzip.count - 8)])  // gzip = 10-byte header + raw deflate + CRC32 + ISIZE
        #expect(raw.count > 70)
        for first in [1, 2, 3, 63, 64, 65] {
            for second in [1, 62, 63, 64, 200] {
                let (status, out) = inflate(raw, .deflate, pieces: [first, second])
                #expect(status == .finished, "reads of \(first), \(second), rest")
                #expect(out == text, "reads of \(first), \(second), rest")
            }
        }
        let (status, out) = inflate(raw, .deflate, pieces: Array(repeating: 1, count: raw.count))
        #expect(status == .finished && out == text, "one byte per read")
    }

    @Test func zlibAndGzipInflateTheSameWhateverTheReadSizes() throws {
        let text = Array(String(repeating: "hello, inflater ", count: 50).utf8)
        for (encoding, body) in [(BodyInflater.Encoding.gzip, try compress(text)), (.deflate, try compress(text, format: "deflate"))] {
            for first in [1, 2, 10] {
                let (status, out) = inflate(body, encoding, pieces: [first, 1, 7])
                #expect(status == .finished && out == text, "\(encoding), first read of \(first) bytes")
            }
        }
    }
}
