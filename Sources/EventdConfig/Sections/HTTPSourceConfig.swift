/// `[sources.http]`: events POSTed as JSON over HTTP/1.1, from browsers (public keys) and servers (secret keys).
public struct HTTPSourceConfig: Sendable, Equatable {
    /// Address to serve HTTP on (`listen`, default unset = HTTP source off), e.g. `"127.0.0.1:8080"`.
    /// eventd speaks plain HTTP: put a TLS-terminating proxy in front and list it in `trusted_proxies`.
    public var listen: ListenAddress? = nil
    /// Largest request body accepted, in bytes, after any `Content-Encoding: gzip` is undone (`max_body_bytes`,
    /// default 512000). Larger bodies get HTTP 413. Keep it at least `limits.max_batch_bytes`.
    public var maxBodyBytes: Int = 512_000
    /// Largest request head (request line plus headers), in bytes (`max_header_bytes`, default 16384).
    /// Larger heads get HTTP 431. Raise it only if a proxy adds very large headers.
    public var maxHeaderBytes: Int = 16_384
    /// Close a keep-alive connection idle for this long (`idle_timeout`, default `60s`). A new
    /// connection waits for its first request only up to `request_timeout`, if that is shorter.
    public var idleTimeout: Duration = .seconds(60)
    /// Longest time to receive one whole request (`request_timeout`, default `10s`); slower requests get
    /// HTTP 408. It stops slow clients from holding connections; raise it for senders on poor links.
    public var requestTimeout: Duration = .seconds(10)
    /// Most connections served at once (`max_connections`, default 4096). Further connections are closed
    /// right after accept. Also bounded by the process's open-file limit.
    public var maxConnections: Int = 4_096
    /// Most connections one client address may hold at once (`max_connections_per_ip`, default 256;
    /// 0 = no per-address cap), so that one client cannot take every slot. Peers in `trusted_proxies`
    /// are exempt: every client behind a proxy shares its address.
    public var maxConnectionsPerIP: Int = 256
    /// Peers whose `X-Forwarded-For` is believed, as CIDRs or single addresses (`trusted_proxies`, default
    /// `[]`), e.g. `["127.0.0.1/32", "10.0.0.0/8"]`. Without it, behind a proxy every client has the proxy's IP
    /// and shares one per-IP rate limit.
    public var trustedProxies: [String] = []
    /// Keys senders may present (`[[sources.http.write_keys]]`, default none). See `WriteKey`.
    public var writeKeys: [WriteKey] = []
    /// Refuse requests without a known write key with HTTP 401 (`require_write_key`, default true). Turn off
    /// only on a private network where every sender is trusted.
    public var requireWriteKey: Bool = true
    /// First-party path prefixes (`path_prefixes`, default `[]`), e.g. `["/collect"]`: every protocol's routes are
    /// also served under `<prefix>/<protocol>/…` (`/collect/posthog/batch/`, `/collect/segment/v1/batch`), because
    /// ad blockers list the vendors' well-known paths. The well-known paths stay served.
    public var pathPrefixes: [String] = []
    /// Where the first-party web SDK is served (`sdk_path`, default `"/sdk.js"`; also under every path prefix):
    /// `<script defer src="https://collect.example.com/sdk.js" data-key="pk_…"></script>`. Empty turns it off.
    /// See docs/web-sdk.md.
    public var sdkPath: String = "/sdk.js"
    /// Per-key and per-IP rate limits (`[sources.http.rate_limit]`).
    public var rateLimit: RateLimitConfig = RateLimitConfig()
    /// Discard, instead of storing, events sent by well-known bots and crawlers, judged by `User-Agent`
    /// (`drop_bots`, default false). Turn it on when crawler traffic inflates your page views.
    public var dropBots: Bool = false
    /// Let several eventd processes on this host listen on the same port (`reuse_port`, default false): sets
    /// `SO_REUSEPORT`, and the kernel spreads new connections across them. Every process sharing the port must set it
    /// (and run as the same user). Off by default so that a second eventd started by mistake fails with
    /// "address in use" instead of silently taking half the traffic. Ignored for a socket passed by systemd.
    public var reusePort: Bool = false

    /// The defaults above.
    public init() {}
}
