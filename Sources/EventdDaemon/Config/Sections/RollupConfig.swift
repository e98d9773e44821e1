/// `[rollup]`: the periodic job that aggregates raw events into per-bucket counts for dashboards.
public struct RollupConfig: Sendable, Equatable {
    /// Run the rollup job in this process (`enabled`, default true). With several eventd instances on one
    /// database, leave it on in all: the job takes an advisory lock so one instance works at a time.
    public var enabled: Bool = true
    /// Time between rollup runs (`interval`, default `60s`). Lower it for fresher dashboards at the cost of
    /// more queries.
    public var interval: Duration = .seconds(60)
    /// How far back each run re-aggregates, to take in events that arrived late (`late_window`, default `15m`).
    /// Events older than this when they arrive are counted only in raw data until a rebuild.
    public var lateWindow: Duration = .seconds(15 * 60)
    /// Bucket widths to maintain (`buckets`, default `["minute", "hour", "day"]`); any non-empty set of
    /// `minute`, `hour`, `day`. Drop `minute` to save space if nobody looks at minute-level charts.
    public var buckets: [RollupBucket] = [.minute, .hour, .day]

    /// The defaults above.
    public init() {}
}
