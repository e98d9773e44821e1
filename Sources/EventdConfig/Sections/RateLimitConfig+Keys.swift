extension RateLimitConfig {
    /// The `[sources.http.rate_limit]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<RateLimitConfig>(
        comment: """
            Token buckets, counted in events (not requests); 0 turns a limit off. HTTP 429 when exceeded.
            """,
        keys: [
            ConfigKey("per_key_per_second", \.perKeyPerSecond, .count,
                reload: .live,
                comment: """
                Sustained events per second, and burst above it, per write key: guards against a leaked public key.
                """,
                summary: "sustained events per second per write key; 0 turns it off (`429` when exceeded)"),
            ConfigKey("per_key_burst", \.perKeyBurst, .count,
                reload: .live,
                comment: "",
                summary: "burst above that, per key (at least 1 while the limit is on)"),
            ConfigKey("per_ip_per_second", \.perIPPerSecond, .count,
                reload: .live,
                comment: """
                The same per client IP (the X-Forwarded-For address when the peer is a trusted proxy).
                """,
                summary: "the same per client IP (IPv6 by /64; the forwarded address behind a trusted proxy); not applied to secret keys"),
            ConfigKey("per_ip_burst", \.perIPBurst, .count,
                reload: .live,
                comment: "",
                summary: "burst per client IP (at least 1 while the limit is on)"),
        ],
        relations: { config throws(ConfigError) in
            let limit = config.sources.http.rateLimit
            try configRequire(limit.perKeyPerSecond == 0 || limit.perKeyBurst >= 1, "sources.http.rate_limit.per_key_burst",
                              "must be at least 1 while per_key_per_second is on (0 turns the limit off)")
            try configRequire(limit.perIPPerSecond == 0 || limit.perIPBurst >= 1, "sources.http.rate_limit.per_ip_burst",
                              "must be at least 1 while per_ip_per_second is on (0 turns the limit off)")
        })
}
