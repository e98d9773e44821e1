extension ShutdownConfig {
    /// The `[shutdown]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<ShutdownConfig>(
        keys: [
            ConfigKey("drain_timeout", \.drainTimeout, .duration,
                check: .positive,
                comment: """
                On SIGTERM: longest wait for the ring to drain and the loader to commit after sources stop.
                Events still in memory after it are lost; keep it below systemd's TimeoutStopSec.
                """,
                summary: "on SIGTERM, longest wait for the ring to drain and the loader to commit; keep it below systemd's `TimeoutStopSec=`"),
        ])
}
