/// An IPv4 or IPv6 network written as CIDR (`10.0.0.0/8`, `fd00::/8`) or a single address (`127.0.0.1`,
/// meaning /32 or /128). Used for `sources.http.trusted_proxies`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network address in network byte order: 4 bytes for IPv4, 16 for IPv6. Host bits are kept as written.
    public var address: [UInt8]
    /// Leading bits that must match: 0...32 for IPv4, 0...128 for IPv6.
    public var prefixLength: Int
    /// The text it was parsed from.
    public var description: String

    /// Parses CIDR or single-address notation; nil if `text` is neither.
    public init?(_ text: String) {
        let trimmed = text.configTrimmed()
        let pieces = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let address = IPNetwork.parseAddress(pieces[0]) else { return nil }
        let maxPrefix = address.count * 8
        var prefix = maxPrefix
        if pieces.count == 2 {
            guard !pieces[1].isEmpty, pieces[1].allSatisfy(\.isConfigDigit), let length = Int(pieces[1]),
                  length <= maxPrefix else { return nil }
            prefix = length
        }
        self.address = address
        self.prefixLength = prefix
        self.description = trimmed
    }

    /// Whether `address` (4 or 16 bytes, network order) lies in this network. IPv4 never matches IPv6.
    public func contains(_ address: [UInt8]) -> Bool {
        guard address.count == self.address.count else { return false }
        var remaining = prefixLength
        for index in 0..<address.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address[index] & mask != self.address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// Parses a dotted-quad IPv4 or an IPv6 address (no zone id) into its bytes.
    public static func parseAddress(_ text: some StringProtocol) -> [UInt8]? {
        text.contains(":") ? parseIPv6(Substring(text)) : parseIPv4(Substring(text))
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isConfigDigit),
                  let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        let halves = text.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
            .map { Substring($0) }
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            var bytes: [UInt8] = []
            for (index, field) in fields.enumerated() {
                if allowIPv4Tail, index == fields.count - 1, field.contains(".") {
                    guard let v4 = parseIPv4(field) else { return nil }
                    bytes += v4
                } else {
                    guard (1...4).contains(field.count), field.allSatisfy(\.isHexDigit),
                          let value = UInt16(field, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
                }
            }
            return bytes
        }
        if halves.count == 1 {
            guard let bytes = groups(halves[0], allowIPv4Tail: true), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(halves[0], allowIPv4Tail: false),
              let tail = groups(halves[1], allowIPv4Tail: true),
              head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
