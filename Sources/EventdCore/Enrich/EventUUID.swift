/// A UUID as two big-endian halves (`hi` = bytes 0–7). Formatting and parsing are hand-written:
/// Foundation's UUID would allocate a String per event.
public struct EventUUID: Hashable, Sendable, CustomStringConvertible {
    public var hi: UInt64
    public var lo: UInt64

    public init(hi: UInt64, lo: UInt64) {
        self.hi = hi
        self.lo = lo
    }

    /// The version nibble (7 for generated ids, 8 for hashed string ids).
    public var version: Int { Int((hi >> 12) & 0xF) }
    /// The RFC 9562 variant bits (0b10).
    public var variant: Int { Int(lo >> 62) }

    /// Parses `8-4-4-4-12` hex (any case), or 32 bare hex digits. Nil for anything else.
    public static func parse(_ p: UnsafePointer<UInt8>, count n: Int) -> EventUUID? {
        if n == 36 {
            guard p[8] == 0x2D, p[13] == 0x2D, p[18] == 0x2D, p[23] == 0x2D else { return nil }
            // Groups 8-4-4 | 4-12: hex runs at fixed offsets.
            guard let a = hexRun(p, 8), let b = hexRun(p + 9, 4), let c = hexRun(p + 14, 4),
                  let d = hexRun(p + 19, 4), let e = hexRun(p + 24, 12) else { return nil }
            return EventUUID(hi: a << 32 | b << 16 | c, lo: d << 48 | e)
        }
        if n == 32 {
            guard let hi = hexRun(p, 16), let lo = hexRun(p + 16, 16) else { return nil }
            return EventUUID(hi: hi, lo: lo)
        }
        return nil
    }

    /// Whether `p[0..<n]`, which `parse` accepted, is already what `format` writes: 36 bytes, no
    /// uppercase letter. Hex digits, lowercase letters and `-` all have bit 0x20 set and `A`–`F` do
    /// not, so five overlapping 8-byte words ANDed together tell (instead of formatting the id again).
    @inline(__always)
    static func isCanonicalText(_ p: UnsafePointer<UInt8>, count n: Int) -> Bool {
        guard n == formattedCount else { return false }
        let raw = UnsafeRawPointer(p)
        @inline(__always) func word(_ at: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
        let all = word(0) & word(8) & word(16) & word(24) & word(28)
        return all & 0x2020_2020_2020_2020 == 0x2020_2020_2020_2020
    }

    @inline(__always)
    private static func hexRun(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64? {
        var v: UInt64 = 0
        var bad: UInt8 = 0
        for i in 0..<n {
            let c = p[i]
            let digit = c &- 0x30
            let letter = (c | 0x20) &- 0x61
            let isDigit = digit < 10
            bad |= (isDigit || letter < 6) ? 0 : 1
            v = v << 4 | UInt64(isDigit ? digit : letter &+ 10)
        }
        return bad == 0 ? v : nil
    }

    public static func parse(_ s: String) -> EventUUID? {
        var s = s
        return s.withUTF8 { b in b.baseAddress.flatMap { parse($0, count: b.count) } }
    }

    /// Bytes written by `format`.
    public static let formattedCount = 36

    /// Writes the canonical lowercase `8-4-4-4-12` form (36 bytes).
    @inline(__always)
    public func format(into out: UnsafeMutablePointer<UInt8>) {
        let hexDigits: StaticString = "0123456789abcdef"
        let h = hexDigits.utf8Start
        var o = 0
        for i in 0..<16 {
            if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = 0x2D; o += 1 }
            let byte = i < 8 ? UInt8(truncatingIfNeeded: hi >> (56 - 8 * i)) : UInt8(truncatingIfNeeded: lo >> (56 - 8 * (i - 8)))
            out[o] = h[Int(byte >> 4)]
            out[o + 1] = h[Int(byte & 0xF)]
            o += 2
        }
    }

    public var description: String {
        String(unsafeUninitializedCapacity: 36) { b in format(into: b.baseAddress!); return 36 }
    }

    /// A deterministic UUIDv8 for a sender id that is not a UUID, so a resent event gets the same
    /// event_id and deduplicates. The 122 free bits are MurmurHash3 x64-128 (seed 0) of the id's
    /// UTF-8 bytes: `hi` = h1, `lo` = h2, then the version (8) and variant (0b10) bits are set.
    /// Stable across processes and releases by design (not Swift's per-process seeded `Hasher`);
    /// changing it would break deduplication of resends across an upgrade.
    public static func v8(hashing p: UnsafePointer<UInt8>, count n: Int) -> EventUUID {
        let (h1, h2) = murmur3x64_128(p, n, seed: 0)
        return EventUUID(hi: (h1 & 0xFFFF_FFFF_FFFF_0FFF) | 0x8000, lo: (h2 & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }

    public static func v8(hashing s: String) -> EventUUID {
        var s = s
        return s.withUTF8 { b in
            b.withMemoryRebound(to: UInt8.self) { v8(hashing: $0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
        }
    }
}
