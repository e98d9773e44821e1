// libFuzzer target: HTTP body decoding (the main package's EventdHTTPBody): `BodyInflater` (gzip/deflate with a
// size cap), `Base64Decoding` (pixel `data=`, Basic credentials), `URLEncoding` (form bodies, query strings) and
// `BodyWriteKey` (the writeKey scan).
//
// Input layout: byte 0 picks the mode, byte 1 the cap (and split seed); the rest is the payload.
//   mode 0/1  the payload *is* a gzip / deflate body, fed in random pieces: the output never passes the cap
//             (`tooLarge` is the only status allowed to hold one byte more), and a stream that finishes gives the
//             same bytes however it was split;
//   mode 2/3/4 the payload is compressed here (gzip / zlib / raw deflate, level from the payload) and must
//             inflate back to itself — or to `tooLarge` exactly when it is longer than the cap;
//   mode 5    Base64: arbitrary text never crashes; standard and URL-safe encodings of the payload decode back;
//   mode 6    forms: `URLEncoding.value` on arbitrary text, and percent-encoded `data=`/`writeKey=` pairs decode
//             back; `BodyWriteKey.find` on arbitrary text, and on a body built around a key.
import CZlib
import EventdHTTPBody
import NIOCore

struct Splits {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Int(state % UInt64(max(bound, 1)))
    }
}

/// Inflates `body` fed in pieces; checks the cap after every piece.
func inflate(_ body: [UInt8], _ encoding: BodyInflater.Encoding, limit: Int, splits: inout Splits?)
    -> (BodyInflater.Status, [UInt8])
{
    let inflater = BodyInflater(encoding: encoding)
    var output = ByteBufferAllocator().buffer(capacity: 64)
    var status = BodyInflater.Status.needsMore
    var offset = 0
    repeat {
        let n = splits == nil ? body.count - offset : min(body.count - offset, 1 + splits!.next(97))
        let piece = Array(body[offset..<(offset + n)])
        status = piece.withUnsafeBytes { inflater.inflate($0, into: &output, limit: limit) }
        offset += n
        if status == .tooLarge {
            check(output.readableBytes <= limit + 1, "inflated \(output.readableBytes) bytes past the cap \(limit)")
        } else {
            check(output.readableBytes <= limit, "inflated \(output.readableBytes) bytes under a cap of \(limit)")
        }
    } while status == .needsMore && offset < body.count
    return (status, Array(output.readableBytesView))
}

/// One-shot zlib compression of `input` with `windowBits` (31 gzip, 15 zlib, -15 raw).
func compress(_ input: [UInt8], windowBits: Int32, level: Int32) -> [UInt8] {
    var stream = z_stream()
    check(deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
    var input = input
    let produced = input.withUnsafeMutableBufferPointer { inBuf in
        out.withUnsafeMutableBufferPointer { outBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            stream.next_out = outBuf.baseAddress
            stream.avail_out = uInt(outBuf.count)
            check(deflate(&stream, Z_FINISH) == Z_STREAM_END)
            return outBuf.count - Int(stream.avail_out)
        }
    }
    return Array(out[..<produced])
}

func base64(_ bytes: [UInt8], urlSafe: Bool, padded: Bool) -> [UInt8] {
    let alphabet = Array((urlSafe
        ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/").utf8)
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        let chunk = bytes[i..<min(i + 3, bytes.count)]
        var v: UInt32 = 0
        for (k, b) in chunk.enumerated() { v |= UInt32(b) << (16 - 8 * UInt32(k)) }
        let symbols = chunk.count + 1
        for k in 0..<4 {
            if k < symbols { out.append(alphabet[Int((v >> (18 - 6 * UInt32(k))) & 0x3F)]) }
            else if padded { out.append(UInt8(ascii: "=")) }
        }
        i += 3
    }
    return out
}

func percentEncoded(_ bytes: [UInt8]) -> [UInt8] {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for b in bytes {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
            out.append(b)
        case 0x20: out.append(UInt8(ascii: "+"))
        default: out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
        }
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let mode = data[0] % 7
    let limit = Int(data[1]) * 16  // 0…4080: small enough that bombs and exact-cap bodies are common
    let payload = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    var splits: Splits? = Splits(state: UInt64(size) &* 0x9E37_79B9_7F4A_7C15 | UInt64(data[1]) | 1)
    var oneShot: Splits? = nil

    switch mode {
    case 0, 1:
        let encoding: BodyInflater.Encoding = mode == 0 ? .gzip : .deflate
        let (splitStatus, splitOut) = inflate(payload, encoding, limit: limit, splits: &splits)
        let (wholeStatus, wholeOut) = inflate(payload, encoding, limit: limit, splits: &oneShot)
        if splitStatus == .finished || wholeStatus == .finished {
            check(splitStatus == wholeStatus && splitOut == wholeOut,
                         "\(encoding) split inflation (\(splitStatus), \(splitOut.count) bytes) ≠ one-shot (\(wholeStatus), \(wholeOut.count) bytes)")
        }
    case 2, 3, 4:
        let windowBits: Int32 = mode == 2 ? 31 : mode == 3 ? 15 : -15
        let level = Int32(payload.first.map { $0 % 10 } ?? 6)
        let body = compress(payload, windowBits: windowBits, level: level)
        let encoding: BodyInflater.Encoding = mode == 2 ? .gzip : .deflate
        for var s in [splits, oneShot] {
            let (status, out) = inflate(body, encoding, limit: limit, splits: &s)
            if payload.count > limit {
                check(status == .tooLarge, "\(payload.count) bytes under a cap of \(limit) gave \(status)")
            } else {
                check(status == .finished, "a valid \(encoding) body (windowBits \(windowBits)) gave \(status)")
                check(out == payload, "\(encoding) (windowBits \(windowBits)) did not round-trip: \(out.count) of \(payload.count) bytes")
            }
        }
    case 5:
        _ = Base64Decoding.decode(payload)
        for urlSafe in [false, true] {
            for padded in [false, true] {
                let encoded = base64(payload, urlSafe: urlSafe, padded: padded)
                check(Base64Decoding.decode(encoded) == payload, "base64 (urlSafe \(urlSafe), padded \(padded)) did not round-trip")
            }
        }
    default:
        _ = URLEncoding.value(named: "data", in: payload)
        _ = URLEncoding.value(named: "writeKey", in: payload[...])
        _ = payload.withUnsafeBytes(BodyWriteKey.find)
        let split = payload.firstIndex(of: 0) ?? payload.count / 2
        let value = Array(payload[..<split])
        let key = Array(payload[split...].filter { $0 != 0x22 && $0 != 0x5C && $0 >= 0x20 && $0 < 0x7F })
        let form = Array("writeKey=".utf8) + percentEncoded(key) + Array("&data=".utf8) + percentEncoded(value)
        check(URLEncoding.value(named: "data", in: form) == value, "form data= did not round-trip")
        check(URLEncoding.value(named: "writeKey", in: form) == key, "form writeKey= did not round-trip")
        let json = Array(#"{"batch":[{"a":"}\"{"}],"writeKey":""#.utf8) + key + Array(#"","sentAt":1}"#.utf8)
        check(json.withUnsafeBytes(BodyWriteKey.find) == key, "BodyWriteKey missed the key")
    }
    return 0
}

/// `precondition` that keeps its message in release builds (the fuzz targets are built with -O).
@inline(__always)
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "") {
    if !condition() { fatalError(message()) }
}
