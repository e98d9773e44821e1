/// A host and port to listen on, written `127.0.0.1:5170`, `[::1]:5170` or `:5170` (all IPv4 interfaces).
///
/// `description` gives back the written form (`:5170` comes back as `0.0.0.0:5170`), so a parsed address
/// round-trips through `init(parsing:)`. Port 0 asks the OS for a free port, which tests use.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IP literal (`127.0.0.1`, `::1`, without brackets) or a host name to resolve (`localhost`).
    public var host: String
    /// TCP/UDP port, 0...65535; 0 lets the OS choose.
    public var port: Int

    /// Creates an address from its parts; `host` is stored without IPv6 brackets.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[ipv6]:port` or `:port`; nil if `text` is not one of those forms.
    public init?(_ text: String) {
        guard case .success(let address) = ListenAddress.parse(text) else { return nil }
        self = address
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses the written form, or returns the reason it is not one, phrased for a config error.
    static func parse(_ text: String) -> Result<ListenAddress, ConfigValueFailure> {
        let text = text.configTrimmed()
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(.init("the IPv6 address has no closing ']'"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                return .failure(.init("a port must follow the bracketed address, e.g. [::1]:5170"))
            }
            portText = rest.dropFirst()
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return .failure(.init("'\(host)' is not an IPv6 address"))
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(.init("it has no port; write host:port, e.g. 127.0.0.1:5170"))
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                return .failure(.init("put an IPv6 address in brackets, e.g. [::1]:5170"))
            }
            let allowed = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
            guard allowed else {
                return .failure(.init("'\(host)' is not an IP address or host name"))
            }
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isConfigDigit), let port = Int(portText),
              (0...65_535).contains(port)
        else {
            return .failure(.init("the port '\(portText)' is not a number from 0 to 65535"))
        }
        return .success(ListenAddress(host: host.isEmpty ? "0.0.0.0" : String(host), port: port))
    }
}
