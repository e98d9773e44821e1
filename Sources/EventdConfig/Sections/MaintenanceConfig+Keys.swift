extension MaintenanceConfig {
    /// The `[maintenance]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<MaintenanceConfig>(
        comment: """
            Housekeeping: recovery of pending batches, partition creation and retention.
            """,
        keys: [
            ConfigKey("enabled", \.enabled, .bool,
                comment: "",
                summary: "run housekeeping in this process; off when pg_cron or another instance does it"),
            ConfigKey("process_pending_interval", \.processPendingInterval, .duration,
                check: .positive,
                comment: """
                Time between frequent passes: process_pending_events (the rollup; only when [rollup] is off,
                else that service is the rollup) and abandon_inactive_sessions.
                """,
                summary: "time between frequent passes: `process_pending_events` (the rollup; only when `[rollup]` is off, else that service is the rollup) and `abandon_inactive_sessions`"),
            ConfigKey("abandon_after", \.abandonAfter, .duration,
                check: .positive,
                comment: """
                Idle time after which an in-progress onboarding session is marked abandoned
                (abandon_inactive_sessions).
                """,
                summary: "idle time after which an onboarding session is marked abandoned (`abandon_inactive_sessions`)"),
            ConfigKey("cleanup_interval", \.cleanupInterval, .duration,
                check: .positive,
                comment: """
                Time between retention and partition passes.
                """,
                summary: "time between daily passes: partitions ahead, raw and rollup retention"),
            ConfigKey("event_retention", \.eventRetention, .duration,
                check: .positive,
                comment: """
                How long raw events are kept, by event time; at least limits.max_past.
                """,
                summary: "how long raw events are kept, by event time (their daily partitions are dropped); at least `limits.max_past`"),
            ConfigKey("rollup_retention", \.rollupRetention, .duration,
                check: .positive,
                comment: """
                How long rollup rows are kept (two years).
                """,
                summary: "how long hour/day rollups and KPIs are kept (two years)"),
            ConfigKey("partitions_ahead_days", \.partitionsAheadDays, .count,
                check: .within(1...365),
                comment: """
                Daily partitions created ahead of today (1 to 365); raise it if eventd may be down for longer.
                """,
                summary: "daily partitions created ahead of today, 1 to 365; raise it if eventd may be down longer"),
        ],
        relations: { config throws(ConfigError) in
            let maintenance = config.maintenance, limits = config.limits
            try configRequire(maintenance.eventRetention >= limits.maxPast, "maintenance.event_retention",
                              "\(ConfigDuration.format(maintenance.eventRetention)) is shorter than limits.max_past "
                                  + "(\(ConfigDuration.format(limits.maxPast))), so accepted events would be deleted")
        })
}
