/// `[sources.http.rate_limit]`: token buckets that stop one key or one client from flooding the HTTP source.
///
/// Rates count events per second (not requests); a burst is how many events may arrive at once after a quiet
/// spell. A rate of 0 turns that limit off. Refused requests get HTTP 429 with `Retry-After`.
public struct RateLimitConfig: Sendable, Equatable {
    /// Sustained events per second per write key (`per_key_per_second`, default 1000). Raise it for a busy
    /// site; it protects the database from one leaked public key.
    public var perKeyPerSecond: Int = 1_000
    /// Events a write key may send at once above its rate (`per_key_burst`, default 2000).
    public var perKeyBurst: Int = 2_000
    /// Sustained events per second per client IP (`per_ip_per_second`, default 100). The client IP is taken
    /// from `X-Forwarded-For` only when the peer is in `trusted_proxies`. Raise it when many users share an IP.
    public var perIPPerSecond: Int = 100
    /// Events a client IP may send at once above its rate (`per_ip_burst`, default 200).
    public var perIPBurst: Int = 200

    /// The defaults above.
    public init() {}
}
