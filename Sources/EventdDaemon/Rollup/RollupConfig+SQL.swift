/// What a rollup run reads from `[rollup]`, written as SQL arguments: the section is the runner's settings.
extension RollupConfig {
    /// The widths as a PostgreSQL array literal of analytics.bucket_width, e.g. `{minute,hour,day}`.
    var bucketArrayLiteral: String {
        "{" + buckets.map(\.rawValue).joined(separator: ",") + "}"
    }

    /// Whether these are all widths, i.e. exactly what `process_pending_events()` maintains.
    var coversAllBuckets: Bool { Set(buckets) == Set(RollupBucket.allCases) }
}

extension Duration {
    /// The duration as a PostgreSQL interval literal (`'900000000 microseconds'`), exact to the microsecond.
    var intervalLiteral: String { "\(microseconds) microseconds" }
}
