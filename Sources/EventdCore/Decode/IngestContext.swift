/// `analytics.transport`: how an event reached the daemon.
public enum Transport: String, Sendable, CaseIterable {
    case tcp, udp, http, sql, spool

    var staticText: StaticString {
        switch self {
        case .tcp: "tcp"
        case .udp: "udp"
        case .http: "http"
        case .sql: "sql"
        case .spool: "spool"
        }
    }
}

/// Everything about one received text that is not in the text itself. Built by the network layer
/// per connection (TCP), per datagram (UDP) or per request (HTTP); holds no per-event allocation.
public struct IngestContext: Sendable {
    /// When the text was received, in µs since the epoch (the daemon's clock; injectable in tests).
    public var receivedAt: Int64
    public var transport: Transport
    /// The peer address as seen by the socket (or the trusted forwarded address for HTTP).
    public var sourceAddress: SourceAddress?
    /// GDPR default true: store the address with IPv4's last octet / IPv6's last 80 bits zeroed.
    public var anonymiseSourceAddress: Bool
    /// Name of the write key / source (never the secret); the `source_key` column.
    public var sourceKey: String?
    public var limits: IngestLimits
    /// Request-level user agent (HTTP `User-Agent`), used when the event's context has none.
    public var userAgent: String?
    /// Request-level country (e.g. from a CDN header), used when context.location.country is absent.
    public var country: String?

    public init(
        receivedAt: Int64, transport: Transport, sourceAddress: SourceAddress? = nil,
        anonymiseSourceAddress: Bool = true, sourceKey: String? = nil, limits: IngestLimits = IngestLimits(),
        userAgent: String? = nil, country: String? = nil
    ) {
        self.receivedAt = receivedAt
        self.transport = transport
        self.sourceAddress = sourceAddress
        self.anonymiseSourceAddress = anonymiseSourceAddress
        self.sourceKey = sourceKey
        self.limits = limits
        self.userAgent = userAgent
        self.country = country
    }

    /// The address as it will be stored.
    public var storedSourceAddress: SourceAddress? {
        anonymiseSourceAddress ? sourceAddress?.anonymised() : sourceAddress
    }
}
