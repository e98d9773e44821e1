/// A time bucket width that rollups aggregate events into.
public enum RollupBucket: String, Sendable, Hashable, CaseIterable {
    /// Per-minute counts: fine-grained recent dashboards; the largest rollup table.
    case minute
    /// Per-hour counts.
    case hour
    /// Per-day counts: long-range reports; the smallest rollup table.
    case day
}
