/// What one `analytics.run_rollups()` call did, parsed from its jsonb result.
public struct RollupReport: Sendable, Equatable, CustomStringConvertible {
    /// Another instance held the rollup lock; this run did nothing.
    public var skipped: Bool
    /// (bucket, type, name) scopes recomputed from raw events.
    public var scopes: Int
    /// Scopes marked by deletes/updates of raw events (e.g. GDPR erasure).
    public var dirty: Int
    /// Scopes before the last retention cutoff, left as they were.
    public var frozen: Int
    /// event_aggregations rows inserted or changed.
    public var upserted: Int
    /// event_aggregations rows removed (their raw events are gone).
    public var deleted: Int
    /// `events.count` metric rows changed.
    public var eventCounts: Int
    /// Business KPI rows changed (inserted, updated or deleted).
    public var kpis: Int
    /// The new watermark, as PostgreSQL printed it.
    public var watermark: String?
    /// Time spent inside PostgreSQL, in milliseconds.
    public var milliseconds: Double

    /// Whether the run changed any rollup row.
    public var changedAnything: Bool { upserted + deleted + eventCounts + kpis > 0 }

    public var description: String {
        if skipped { return "skipped: another eventd instance is rolling up" }
        return "\(scopes) scope(s) recomputed (\(dirty) from deletes, \(frozen) frozen), "
            + "\(upserted) aggregation row(s) upserted, \(deleted) deleted, \(eventCounts) event-count and \(kpis) KPI row(s) changed, "
            + "watermark \(watermark ?? "-") in \(milliseconds) ms"
    }
}
