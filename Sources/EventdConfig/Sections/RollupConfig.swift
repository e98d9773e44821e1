/// `[rollup]`: the periodic job that aggregates raw events into per-bucket counts for dashboards.
public struct RollupConfig: Sendable, Equatable {
    /// Run the rollup job in this process (`enabled`, default true). With several eventd instances on one
    /// database, leave it on in all: the job takes an advisory lock so one instance works at a time.
    public var enabled: Bool = true
    /// Time between rollup runs (`interval`, default `60s`). Lower it for fresher dashboards at the cost of
    /// more queries.
    public var interval: Duration = .seconds(60)
    /// How long a transaction hidden from the rollup function's owner in `pg_stat_activity` may stay open
    /// and still be counted (`late_window`, default `15m`): while such a session exists the watermark stays
    /// this far behind now(). Runs re-read only `least(late_window, 10 s)` below the watermark (014), so with
    /// every session visible this costs nothing; rows already folded in are never counted twice.
    public var lateWindow: Duration = .seconds(15 * 60)
    /// Bucket widths to maintain (`buckets`, default `["minute", "hour", "day"]`); any non-empty set of
    /// `minute`, `hour`, `day`. Drop `minute` to save space if nobody looks at minute-level charts.
    public var buckets: [RollupBucket] = [.minute, .hour, .day]

    /// The defaults above.
    public init() {}
}
