extension RollupConfig {
    /// The `[rollup]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<RollupConfig>(
        comment: """
            Periodic aggregation of raw events into per-bucket counts for dashboards. Safe to run on several
            instances: an advisory lock lets one work at a time.
            """,
        keys: [
            ConfigKey("enabled", \.enabled, .bool,
                comment: "",
                summary: "run `analytics.run_rollups` in this process (safe on several instances: one works at a time)"),
            ConfigKey("interval", \.interval, .duration,
                check: .positive,
                comment: """
                Time between runs.
                """,
                summary: "time between rollup runs"),
            ConfigKey("late_window", \.lateWindow, .duration,
                comment: """
                How long a transaction hidden from the rollup role in pg_stat_activity may stay open and still be
                counted; runs re-read only min(late_window, 10s) below the watermark (folded rows are never recounted).
                """,
                summary: "how long a transaction hidden from the rollup role in `pg_stat_activity` may stay open and still be counted (the watermark stays this far behind while one is); runs re-read only `least(late_window, 10 s)`; also what `process_pending_events` gets"),
            ConfigKey("buckets", \.buckets, configEnumListCodec(RollupBucket.self),
                check: .rollupBuckets,
                comment: """
                Bucket widths kept; any non-empty set of "minute", "hour", "day".
                """,
                summary: "bucket widths kept, a non-empty set without repeats; drop `day` on very high volumes"),
        ])
}

extension ConfigCheck where Value == [RollupBucket] {
    fileprivate static let rollupBuckets = ConfigCheck { buckets in
        if buckets.isEmpty { return Failure(reason: "the list is empty; allowed: minute, hour, day") }
        if Set(buckets).count != buckets.count { return Failure(reason: "a bucket is listed twice") }
        return nil
    }
}
