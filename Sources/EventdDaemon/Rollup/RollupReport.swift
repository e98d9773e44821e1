/// What one `analytics.run_rollups()` call did, parsed from its jsonb result.
public struct RollupReport: Sendable, Equatable, CustomStringConvertible {
    /// Another instance held the rollup lock; this run did nothing.
    public var skipped: Bool
    /// Aggregation rows (bucket × dimensions) the run merged deltas into.
    public var scopes: Int
    /// Raw row versions folded in (new, late or updated events), frozen ones included.
    public var added: Int = 0
    /// Folded row versions subtracted because a DELETE or UPDATE removed them.
    public var retracted: Int = 0
    /// Retraction-log entries consumed (deleted or updated old versions, e.g. GDPR erasure).
    public var dirty: Int
    /// Events whose UTC day starts before the last retention cutoff: read, not counted.
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
    /// How far below the previous watermark the run re-read rows, in seconds: `least(late_window, 10 s)`
    /// (014). Absent from runs of older schemas.
    public var rereadSeconds: Double? = nil
    /// Other sessions hidden from the rollup role in `pg_stat_activity`; while any is, the watermark stays
    /// `late_window` behind now() (grant the role `pg_read_all_stats`).
    public var hiddenSessions: Int = 0
    /// Time spent inside PostgreSQL, in milliseconds.
    public var milliseconds: Double

    /// Whether the run changed any rollup row.
    public var changedAnything: Bool { upserted + deleted + eventCounts + kpis > 0 }

    public var description: String {
        if skipped { return "skipped: another eventd instance is rolling up" }
        return "\(added) row(s) added, \(retracted) retracted (\(dirty) logged by deletes/updates, \(frozen) frozen) into \(scopes) bucket(s), "
            + "\(upserted) aggregation row(s) upserted, \(deleted) deleted, \(eventCounts) event-count and \(kpis) KPI row(s) changed, "
            + "watermark \(watermark ?? "-")" + windowDescription + " in \(milliseconds) ms"
    }

    /// What bounded the re-read: a margin of seconds, or the late window held by hidden sessions.
    private var windowDescription: String {
        guard let rereadSeconds else { return "" }
        let seconds = rereadSeconds == rereadSeconds.rounded() ? String(Int(rereadSeconds)) : String(rereadSeconds)
        let margin = " (re-read \(seconds) s below the previous watermark"
        if hiddenSessions == 0 { return margin + "; every session visible)" }
        return margin + "; \(hiddenSessions) session(s) hidden from the rollup role: watermark held late_window behind now)"
    }
}
