import EventdPostgres

/// Runs one rollup: a single `analytics.run_rollups()` call, hence one transaction — a run killed
/// halfway leaves nothing behind, and the advisory lock inside makes a concurrent run skip.
///
/// `eventd rollup --once`, the rollup service and the maintenance pass all come through here.
public enum RollupRunner {
    static let sql = """
        SELECT (r->>'skipped')::boolean AS skipped, coalesce((r->>'scopes')::int, 0) AS scopes,
               coalesce((r->>'dirty')::int, 0) AS dirty, coalesce((r->>'frozen')::int, 0) AS frozen,
               coalesce((r->>'upserted')::int, 0) AS upserted, coalesce((r->>'deleted')::int, 0) AS deleted,
               coalesce((r->>'event_counts')::int, 0) AS event_counts,
               coalesce((r->>'added')::int, 0) AS added, coalesce((r->>'retracted')::int, 0) AS retracted,
               coalesce((r->>'kpis_upserted')::int, 0) + coalesce((r->>'kpis_deleted')::int, 0) AS kpis,
               r->>'watermark' AS watermark, coalesce((r->>'ms')::float8, 0) AS ms,
               (r->>'reread_s')::float8 AS reread_s, coalesce((r->>'hidden')::int, 0) AS hidden
        FROM %CALL% AS r
        """

    /// Rolls up with `settings`, the `[rollup]` section (`analytics.run_rollups(late_window, buckets)`).
    public static func runOnce(on connection: PostgresConnection, settings: RollupConfig) throws -> RollupReport {
        try report(connection.query(
            sql.replacingOccurrences(of: "%CALL%", with: "analytics.run_rollups($1::interval, $2::analytics.bucket_width[])"),
            [settings.lateWindow.intervalLiteral, settings.bucketArrayLiteral]))
    }

    /// The seed's entry point, `process_pending_events(batch)`, which rolls up every width; used by the
    /// maintenance pass when all widths are configured, so eventd and a pg_cron job run the same thing.
    public static func processPendingEvents(on connection: PostgresConnection, settings: RollupConfig) throws -> RollupReport {
        guard settings.coversAllBuckets else { return try runOnce(on: connection, settings: settings) }
        return try report(connection.query(
            sql.replacingOccurrences(of: "%CALL%", with: "public.process_pending_events($1::interval)"),
            [settings.lateWindow.intervalLiteral]))
    }

    private static func report(_ rows: PostgresRows) throws -> RollupReport {
        guard let row = rows.first else {
            throw PostgresError(code: .unexpectedResult, message: "analytics.run_rollups() returned no row")
        }
        return RollupReport(
            skipped: try row.bool("skipped") ?? false,
            scopes: try row.int("scopes") ?? 0,
            added: try row.int("added") ?? 0, retracted: try row.int("retracted") ?? 0, dirty: try row.int("dirty") ?? 0, frozen: try row.int("frozen") ?? 0,
            upserted: try row.int("upserted") ?? 0, deleted: try row.int("deleted") ?? 0,
            eventCounts: try row.int("event_counts") ?? 0, kpis: try row.int("kpis") ?? 0,
            watermark: row["watermark"], rereadSeconds: try row.double("reread_s"), hiddenSessions: try row.int("hidden") ?? 0,
            milliseconds: try row.double("ms") ?? 0)
    }
}
