/// `[sources.http.rate_limit]`: token buckets that stop one key or one client from flooding the HTTP source.
///
/// Rates count events per second (not requests); a burst is how many events may arrive at once after a quiet
/// spell. A rate of 0 turns that limit off. Refused requests get HTTP 429 with `Retry-After`.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `RateLimitConfig+Keys.swift`.
public struct RateLimitConfig: Sendable, Equatable {
    /// `per_key_per_second`
    public var perKeyPerSecond: Int = 1_000
    /// `per_key_burst`
    public var perKeyBurst: Int = 2_000
    /// `per_ip_per_second`
    public var perIPPerSecond: Int = 100
    /// `per_ip_burst`
    public var perIPBurst: Int = 200

    /// The defaults above.
    public init() {}
}
