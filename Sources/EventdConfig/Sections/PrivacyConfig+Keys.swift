extension PrivacyConfig {
    /// The `[privacy]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<PrivacyConfig>(
        keys: [
            ConfigKey("anonymize_ip", \.anonymizeIP, .bool,
                comment: """
                Zero the host part of client IPs before storing (last IPv4 octet, last 80 bits of IPv6).
                """,
                summary: "zero the host part of client addresses before storing: IPv4 to /24, IPv6 to /48"),
        ])
}
