/// What a rollup run needs from `[rollup]`.
public struct RollupSettings: Sendable, Equatable {
    /// How far back (by insert time) each run re-reads rows to find touched buckets.
    public var lateWindow: Duration
    /// Bucket widths to maintain.
    public var buckets: [RollupBucket]

    public init(lateWindow: Duration = .seconds(15 * 60), buckets: [RollupBucket] = RollupBucket.allCases) {
        self.lateWindow = lateWindow
        self.buckets = buckets
    }

    public init(_ config: RollupConfig) {
        self.init(lateWindow: config.lateWindow, buckets: config.buckets)
    }

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
