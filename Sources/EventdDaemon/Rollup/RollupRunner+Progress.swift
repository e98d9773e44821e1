import EventdPostgres

extension RollupRunner {
    /// `runOnce` as `eventd rollup --once` and the end of `eventd import` show it: the run's elapsed
    /// time while PostgreSQL works (one statement, so nothing finer is known until it returns), then
    /// one line per phase of `analytics.run_rollups()` with the rows it touched.
    public static func runOnce(on connection: PostgresConnection, settings: RollupConfig,
                               display: ProgressDisplay) throws -> RollupReport {
        display.startTicking("rollup: running analytics.run_rollups (late window \(StatusReport.duration(settings.lateWindow.seconds)), "
                             + "buckets \(settings.buckets.map(\.rawValue).joined(separator: ", ")))")
        let report: RollupReport
        do {
            report = try runOnce(on: connection, settings: settings)
        } catch {
            display.finish()
            throw error
        }
        display.finish()
        for line in phaseLines(report) { display.note(line) }
        return report
    }

    /// The run's phases as `run_rollups()` reports them: what it read, the aggregation rows it wrote,
    /// the metrics it changed, and where the watermark now stands.
    static func phaseLines(_ report: RollupReport) -> [String] {
        if report.skipped { return ["rollup: skipped: another eventd instance is rolling up"] }
        let n = { (value: Int) in StatusReport.count(Double(value)) }
        return [
            "rollup: read \(n(report.added)) new row version(s), \(n(report.retracted)) retracted "
                + "(\(n(report.dirty)) logged by deletes/updates), \(n(report.frozen)) frozen",
            "rollup: event_aggregations: \(n(report.scopes)) bucket(s) merged, \(n(report.upserted)) row(s) upserted, \(n(report.deleted)) deleted",
            "rollup: metrics: \(n(report.eventCounts)) event-count row(s), \(n(report.kpis)) KPI row(s) changed",
            "rollup: done in \(report.milliseconds) ms; watermark \(report.watermark ?? "-")",
        ]
    }
}
