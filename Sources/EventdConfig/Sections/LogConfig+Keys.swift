extension LogConfig {
    /// The `[log]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<LogConfig>(
        keys: [
            ConfigKey("level", \.level, configEnumCodec(LogLevel.self),
                reload: .live,
                comment: """
                Least severe level written: trace, debug, info, notice, warning, error, critical.
                """,
                summary: "least severe level written"),
            ConfigKey("format", \.format, configEnumCodec(LogFormat.self),
                comment: """
                "text" for people and journald, "json" for log shippers.
                """,
                summary: "`text` for people and journald, `json` for log shippers"),
        ])
}
