extension AdminConfig {
    /// The `[admin]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<AdminConfig>(
        keys: [
            ConfigKey("listen", \.listen, .listen,
                check: .listener,
                comment: """
                Prometheus /metrics, /healthz and /readyz. No authentication: keep it on loopback or a
                private network.
                """,
                summary: "`/metrics`, `/healthz`, `/readyz`; no authentication, so keep it on loopback or a private network (the `/console` pages have their own, below)"),
        ])
}
