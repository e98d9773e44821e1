/// `[rollup]`: the periodic job that aggregates raw events into per-bucket counts for dashboards.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `RollupConfig+Keys.swift`.
public struct RollupConfig: Sendable, Equatable {
    /// `enabled`
    public var enabled: Bool = true
    /// `interval`
    public var interval: Duration = .seconds(60)
    /// `late_window`
    public var lateWindow: Duration = .seconds(15 * 60)
    /// `buckets`
    public var buckets: [RollupBucket] = [.minute, .hour, .day]

    /// The defaults above.
    public init() {}
}
