/// `[sources.http]`: events POSTed as JSON over HTTP/1.1, from browsers (public keys) and servers (secret keys).
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `HTTPSourceConfig+Keys.swift`.
public struct HTTPSourceConfig: Sendable, Equatable {
    /// `listen`
    public var listen: ListenAddress? = nil
    /// `max_body_bytes`
    public var maxBodyBytes: Int = 512_000
    /// `max_header_bytes`
    public var maxHeaderBytes: Int = 16_384
    /// `idle_timeout`
    public var idleTimeout: Duration = .seconds(60)
    /// `request_timeout`
    public var requestTimeout: Duration = .seconds(10)
    /// `max_connections`
    public var maxConnections: Int = 4_096
    /// `max_connections_per_ip`
    public var maxConnectionsPerIP: Int = 256
    /// `trusted_proxies`
    public var trustedProxies: [String] = []
    /// Keys senders may present (`[[sources.http.write_keys]]`, default none). See `WriteKey`.
    public var writeKeys: [WriteKey] = []
    /// `require_write_key`
    public var requireWriteKey: Bool = true
    /// `path_prefixes`
    public var pathPrefixes: [String] = []
    /// `sdk_path`
    public var sdkPath: String = "/sdk.js"
    /// Per-key and per-IP rate limits (`[sources.http.rate_limit]`).
    public var rateLimit: RateLimitConfig = RateLimitConfig()
    /// `drop_bots`
    public var dropBots: Bool = false
    /// `reuse_port`
    public var reusePort: Bool = false

    /// The defaults above.
    public init() {}
}
