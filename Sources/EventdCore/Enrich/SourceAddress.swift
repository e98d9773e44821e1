/// The sender's IP address, stored inline (no String) so a per-datagram context costs nothing.
/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what dual-stack sockets report) is kept as IPv4.
public struct SourceAddress: Hashable, Sendable, CustomStringConvertible {
    /// True for IPv4 (`lo`'s low 32 bits hold the address).
    public let isIPv4: Bool
    /// IPv6 bytes 0–7 / 8–15, big-endian.
    public let hi: UInt64
    public let lo: UInt64

    public init(ipv4 address: UInt32) {
        isIPv4 = true
        hi = 0
        lo = UInt64(address)
    }

    public init(ipv6Hi hi: UInt64, lo: UInt64) {
        if hi == 0, lo >> 32 == 0xFFFF {
            isIPv4 = true
            self.hi = 0
            self.lo = lo & 0xFFFF_FFFF
        } else {
            isIPv4 = false
            self.hi = hi
            self.lo = lo
        }
    }

    /// From the 4 or 16 network-order bytes of a sockaddr.
    public init?(bytes: UnsafeRawBufferPointer) {
        if bytes.count == 4 {
            self.init(ipv4: bytes.reduce(0) { $0 << 8 | UInt32($1) })
        } else if bytes.count == 16 {
            let h = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let l = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            self.init(ipv6Hi: h, lo: l)
        } else {
            return nil
        }
    }

    /// Parses dotted IPv4 or IPv6 text (with `::`, and an embedded IPv4 tail). Not for the hot path
    /// of TCP (once per connection) but cheap enough per datagram.
    public init?(_ text: String) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            self.init(ipv4: v4)
            return
        }
        // IPv6: split on "::" into a head and a tail of groups.
        var text = Substring(text)
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        let halves = text.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ s: Substring) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                if i == parts.count - 1, part.contains("."), let v4 = SourceAddress.parseIPv4(part) {
                    out.append(UInt16(v4 >> 16)); out.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard part.count >= 1, part.count <= 4, let g = UInt16(part, radix: 16) else { return nil }
                    out.append(g)
                }
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        let h = all[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let l = all[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        self.init(ipv6Hi: h, lo: l)
    }

    private static func parseIPv4(_ s: Substring) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard p.count >= 1, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let o = UInt32(p), o <= 255
            else { return nil }
            v = v << 8 | o
        }
        return v
    }

    /// The GDPR default: IPv4 keeps 24 bits (last octet zeroed), IPv6 keeps 48 bits (last 80 zeroed).
    public func anonymised() -> SourceAddress {
        if isIPv4 { return SourceAddress(ipv4: UInt32(lo & 0xFFFF_FF00)) }
        return SourceAddress(ipv6Hi: hi & 0xFFFF_FFFF_FFFF_0000, lo: 0)
    }

    /// Longest text `format` writes (full IPv6 with every group 4 digits: 39).
    public static let maxFormattedCount = 39

    /// Writes inet text (RFC 5952 for IPv6: lowercase, no leading zeros, longest zero run as `::`).
    /// Returns the byte count.
    public func format(into out: UnsafeMutablePointer<UInt8>) -> Int {
        var o = 0
        @inline(__always) func dec(_ v: UInt32) {
            if v >= 100 { out[o] = UInt8(48 + v / 100); o += 1 }
            if v >= 10 { out[o] = UInt8(48 + (v / 10) % 10); o += 1 }
            out[o] = UInt8(48 + v % 10); o += 1
        }
        if isIPv4 {
            let a = UInt32(lo)
            dec(a >> 24); out[o] = 0x2E; o += 1
            dec((a >> 16) & 0xFF); out[o] = 0x2E; o += 1
            dec((a >> 8) & 0xFF); out[o] = 0x2E; o += 1
            dec(a & 0xFF)
            return o
        }
        // Group i of 8, computed rather than stored so formatting allocates nothing.
        let (h, l) = (hi, lo)
        func g(_ i: Int) -> UInt16 {
            i < 4 ? UInt16(truncatingIfNeeded: h >> (48 - 16 * UInt64(i))) : UInt16(truncatingIfNeeded: l >> (48 - 16 * UInt64(i - 4)))
        }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if g(i) == 0 {
                var j = i
                while j < 8, g(j) == 0 { j += 1 }
                if j - i > bestLen { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        if bestLen < 2 { bestStart = -1 }
        let hex: StaticString = "0123456789abcdef"
        i = 0
        while i < 8 {
            if i == bestStart {
                out[o] = 0x3A; out[o + 1] = 0x3A; o += 2
                i += bestLen
                continue
            }
            if i > 0 && i != bestStart + bestLen { out[o] = 0x3A; o += 1 }
            let v = g(i)
            var started = false
            for shift in stride(from: 12, through: 0, by: -4) {
                let d = Int((v >> UInt16(shift)) & 0xF)
                if d != 0 || started || shift == 0 {
                    out[o] = hex.utf8Start[d]; o += 1
                    started = true
                }
            }
            i += 1
        }
        return o
    }

    public var description: String {
        String(unsafeUninitializedCapacity: Self.maxFormattedCount) { format(into: $0.baseAddress!) }
    }
}

extension Substring {
    /// Splits on the first "::" only (IPv6 allows one).
    fileprivate func components(separatedByDoubleColon: ()) -> [Substring] {
        var result: [Substring] = []
        var rest = self[...]
        while let r = rest.firstRange(of: "::") {
            result.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        result.append(rest)
        return result
    }
}
