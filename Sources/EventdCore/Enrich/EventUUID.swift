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
    /// Measured: eight hex digits per 8-byte word (`hexWord`) took it from ~350 to ~190 instructions
    /// per event of the benchmark's mix.
    public static func parse(_ p: UnsafePointer<UInt8>, count n: Int) -> EventUUID? {
        let raw = UnsafeRawPointer(p)
        @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        @inline(__always) func half(_ at: Int) -> UInt64 { UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        if n == 36 {
            guard p[8] == 0x2D, p[13] == 0x2D, p[18] == 0x2D, p[23] == 0x2D else { return nil }
            // Groups 8 | 4+4 | 4+4 | 8: the 4-digit groups are joined into words of 8 digits.
            guard let a = hexWord(word(0)), let bc = hexWord(half(9) | half(14) << 32),
                  let de = hexWord(half(19) | half(24) << 32), let e = hexWord(word(28)) else { return nil }
            return EventUUID(hi: a << 32 | bc, lo: de << 32 | e)
        }
        if n == 32 {
            guard let a = hexWord(word(0)), let b = hexWord(word(8)), let c = hexWord(word(16)), let d = hexWord(word(24)) else {
                return nil
            }
            return EventUUID(hi: a << 32 | b, lo: c << 32 | d)
        }
        return nil
    }

    /// The value of 8 hex digits (any case; the first in the lowest byte of `w`), or nil when a byte
    /// is not one. Per byte, with no carry between bytes (every byte is below 0x80 first):
    /// `c + (0x80 - lo)` has its top bit set exactly when `c >= lo`.
    @inline(__always)
    static func hexWord(_ w: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        guard w & tops == 0 else { return nil }
        @inline(__always) func atLeast(_ x: UInt64, _ lo: UInt64) -> UInt64 { (x &+ ones &* (0x80 - lo)) & tops }
        let digit = atLeast(w, 0x30) & ~atLeast(w, 0x3A)
        let folded = w | ones &* 0x20
        let letter = atLeast(folded, 0x61) & ~atLeast(folded, 0x67)
        guard digit | letter == tops else { return nil }
        // Nibble per byte: the low four bits, plus 9 for a letter (`a`/`A` = 0x_1 → 10).
        var x = (w & (ones &* 0x0F)) &+ (letter >> 7) &* 9
        x = (x << 4 | x >> 8) & 0x00FF_00FF_00FF_00FF  // pairs of digits, first digit high
        x = (x << 8 | x >> 16) & 0x0000_FFFF_0000_FFFF
        return (x << 16 | x >> 32) & 0xFFFF_FFFF
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
