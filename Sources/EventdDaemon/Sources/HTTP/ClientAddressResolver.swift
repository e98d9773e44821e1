import EventdCore
import NIOCore
import NIOHTTP1

/// Who sent a request: the socket peer, or — only when the peer is a configured trusted proxy —
/// the client named by `Forwarded` (RFC 7239) or, failing that, `X-Forwarded-For`.
///
/// Forwarding headers are lists that every proxy appends to, and only the entries added by our
/// own proxies are trustworthy (a client can send any value). So the list is read from the right,
/// skipping addresses that are themselves trusted proxies; the first untrusted entry is the client.
/// A header that does not parse is ignored and the peer is used, never guessed at.
struct ClientAddressResolver: Sendable {
    let trustedProxies: [IPNetwork]

    struct Resolved: Equatable {
        /// The client address (before anonymisation, which `IngestContext` applies on storage).
        var address: SourceAddress?
        /// Whether the peer is a trusted proxy, so its other headers (country) may be believed too.
        var viaTrustedProxy: Bool
    }

    func resolve(peer: SocketAddress?, headers: HTTPHeaders) -> Resolved {
        let peerBytes = peer.flatMap(Self.bytes(of:))
        let peerAddress = peerBytes.flatMap { bytes in bytes.withUnsafeBytes { SourceAddress(bytes: $0) } }
        guard let peerBytes, isTrusted(peerBytes) else {
            return Resolved(address: peerAddress, viaTrustedProxy: false)
        }
        let forwarded = headers[canonicalForm: "forwarded"].flatMap(Self.forwardedFor)
        let candidates = !forwarded.isEmpty ? forwarded : headers[canonicalForm: "x-forwarded-for"].map(String.init)
        for candidate in candidates.reversed() {
            guard let bytes = Self.parse(candidate) else {
                return Resolved(address: peerAddress, viaTrustedProxy: true)  // garbage: believe nothing
            }
            if isTrusted(bytes) { continue }
            return Resolved(address: bytes.withUnsafeBytes { SourceAddress(bytes: $0) }, viaTrustedProxy: true)
        }
        return Resolved(address: peerAddress, viaTrustedProxy: true)
    }

    /// Whether a peer is one of the trusted proxies, an IPv4 proxy seen as an IPv4-mapped IPv6 address
    /// (a dual-stack listener) included. Also what exempts a proxy from the per-address connection cap.
    func isTrusted(_ bytes: [UInt8]) -> Bool {
        trustedProxies.contains { $0.contains(bytes) || (bytes.count == 16 && Self.isMappedIPv4(bytes) && $0.contains(Array(bytes[12...]))) }
    }

    /// The `for=` values of a `Forwarded` header element list (one header line may hold several).
    static func forwardedFor(_ line: Substring) -> [String] {
        var out: [String] = []
        for element in line.split(separator: ",") {
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingSpaces.lowercased() == "for" else { continue }
                var value = parts[1].trimmingSpaces
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
                out.append(String(value))
            }
        }
        return out
    }

    /// Network-order bytes of an address written as `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`,
    /// `[2001:db8::1]` or `[2001:db8::1]:443`; nil for anything else (`unknown`, obfuscated ids).
    static func parse(_ text: String) -> [UInt8]? {
        var host = Substring(text).trimmingSpaces
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = host[..<colon]  // IPv4 with a port
        }
        return IPNetwork.parseAddress(host)
    }

    static func bytes(of address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4):
            var raw = v4.address.sin_addr
            return withUnsafeBytes(of: &raw) { Array($0) }
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            return isMappedIPv4(bytes) ? Array(bytes[12...]) : bytes
        case .unixDomainSocket:
            return nil
        }
    }

    private static func isMappedIPv4(_ bytes: [UInt8]) -> Bool {
        bytes.count == 16 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
    }
}
