import EventdPostgres

/// The housekeeping eventd runs, each one SQL function call (one transaction), each returning the
/// one line `eventd maintain --once` prints and the service logs. The same functions can be scheduled
/// with pg_cron instead (docs/operations.md, "Maintenance").
public enum MaintenanceTask: String, Sendable, CaseIterable {
    /// `analytics.ensure_event_partitions(1, partitions_ahead_days)`: daily partitions ready ahead of time.
    case ensurePartitions = "ensure_event_partitions"
    /// `process_pending_events(late_window)`: the rollup.
    case processPendingEvents = "process_pending_events"
    /// `abandon_inactive_sessions(abandon_after)`.
    case abandonInactiveSessions = "abandon_inactive_sessions"
    /// `cleanup_old_data(event_retention)`: raw retention by dropping partitions.
    case cleanupOldData = "cleanup_old_data"
    /// `analytics.drop_old_rollups(rollup_retention)`: rollup retention.
    case dropOldRollups = "drop_old_rollups"

    /// Tasks of the frequent pass (every `process_pending_interval`).
    public static let frequent: [MaintenanceTask] = [.processPendingEvents, .abandonInactiveSessions]
    /// The frequent pass inside a daemon. When the daemon's own `[rollup]` service is on, that service
    /// is the rollup: running `process_pending_events` here too made the two collide on the rollup's
    /// advisory lock, and every eventd reported its own rollup as "another eventd instance".
    public static func frequentPass(rollupServiceOn: Bool) -> [MaintenanceTask] {
        rollupServiceOn ? frequent.filter { $0 != .processPendingEvents } : frequent
    }
    /// Tasks of the daily pass (every `cleanup_interval`): partitions first, so retention never
    /// leaves today without one.
    public static let daily: [MaintenanceTask] = [.ensurePartitions, .cleanupOldData, .dropOldRollups]

    /// Runs the task; returns what it did, in one line.
    public func run(on connection: PostgresConnection, settings: MaintenanceSettings) throws -> String {
        switch self {
        case .ensurePartitions:
            let created = try connection.query("SELECT analytics.ensure_event_partitions(1, $1::int) AS n",
                                               [String(settings.partitionsAheadDays)]).first?.int("n") ?? 0
            return "\(created) daily partition(s) created (\(settings.partitionsAheadDays) days ahead)"
        case .processPendingEvents:
            return try RollupRunner.processPendingEvents(on: connection, settings: settings.rollup).description
        case .abandonInactiveSessions:
            let abandoned = try connection.query("SELECT public.abandon_inactive_sessions($1::interval) AS n",
                                                 [settings.abandonAfter.intervalLiteral]).first?.int("n") ?? 0
            return "\(abandoned) onboarding session(s) abandoned (idle > \(ConfigDuration.format(settings.abandonAfter)))"
        case .cleanupOldData:
            let rows = try connection.query("SELECT target, removed FROM public.cleanup_old_data($1::interval)",
                                            [settings.eventRetention.intervalLiteral])
            let parts = rows.map { "\($0["target"] ?? "?") \($0["removed"] ?? "0")" }
            return "removed: " + parts.joined(separator: ", ") + " (retention \(ConfigDuration.format(settings.eventRetention)))"
        case .dropOldRollups:
            let row = try connection.query("""
                SELECT (r->>'event_aggregations')::bigint AS aggs, (r->>'metrics')::bigint AS kpis
                FROM analytics.drop_old_rollups($1::interval) AS r
                """, [settings.rollupRetention.intervalLiteral]).first
            return "\(try row?.int("aggs") ?? 0) aggregation and \(try row?.int("kpis") ?? 0) metric row(s) removed "
                + "(retention \(ConfigDuration.format(settings.rollupRetention)))"
        }
    }
}
