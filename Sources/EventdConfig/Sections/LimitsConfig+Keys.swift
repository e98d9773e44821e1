extension LimitsConfig {
    /// The `[limits]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<LimitsConfig>(
        comment: """
            Applied to every event from every source; an event over a limit is refused with a documented
            reason and counted, and the rest of its batch is still stored.
            """,
        keys: [
            ConfigKey("max_event_bytes", \.maxEventBytes, .bytes,
                check: .atLeast(1),
                reload: .live,
                comment: """
                Largest single event, in bytes of JSON (32 KiB).
                """,
                summary: "largest single event in bytes of JSON (`event_too_large`); at most `max_batch_bytes`"),
            ConfigKey("max_batch_bytes", \.maxBatchBytes, .bytes,
                check: .atLeast(1),
                reload: .live,
                comment: """
                Largest batch (HTTP body, datagram or TCP line); refused whole above it. At most ring.max_bytes.
                """,
                summary: "largest batch text — HTTP body, datagram or TCP line — refused whole above it (`batch_too_large`); at most `ring.max_bytes`"),
            ConfigKey("max_events_per_batch", \.maxEventsPerBatch, .count,
                check: .atLeast(1),
                reload: .live,
                comment: """
                Most events in one batch; more are refused whole.
                """,
                summary: "most events in one batch; more are refused whole (`too_many_events`)"),
            ConfigKey("max_depth", \.maxDepth, .count,
                check: .within(1...1_000),
                reload: .live,
                comment: """
                Deepest nesting of objects and arrays, the event itself being depth 1.
                """,
                summary: "deepest nesting of objects and arrays, the event itself being depth 1 (`too_deep`); 1 to 1000"),
            ConfigKey("max_future", \.maxFuture, .duration,
                reload: .live,
                comment: """
                How far in the future an event's time may be, after clock-skew correction.
                """,
                summary: "how far in the future an event's skew-corrected time may be (`timestamp_out_of_range`)"),
            ConfigKey("max_past", \.maxPast, .duration,
                check: .positive,
                reload: .live,
                comment: """
                How far in the past an event's time may be; raise it to backfill history, but keep it within
                maintenance.event_retention.
                """,
                summary: "how far in the past it may be; raise it to backfill history, within `maintenance.event_retention`"),
        ],
        relations: { config throws(ConfigError) in
            let limits = config.limits
            try configRequire(limits.maxEventBytes <= limits.maxBatchBytes, "limits.max_event_bytes",
                              "\(limits.maxEventBytes) is larger than limits.max_batch_bytes (\(limits.maxBatchBytes))")
        })
}
