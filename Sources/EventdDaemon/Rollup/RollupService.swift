import EventdPostgres
import Logging

/// The `[rollup]` job inside `eventd serve`: `analytics.run_rollups()` every `rollup.interval`, on its
/// own thread and connection (see `PeriodicJobService`). Runs start one interval apart (`.fromStart`),
/// so the rollup lag (now − watermark) stays under one interval plus one run; measured from the end
/// of the last run it reached one interval plus two runs (issue 15, Benchmarks/RESULTS.md). Listed after the loader, so on shutdown the
/// sources stop, the loader commits, and then this stops.
public enum RollupService {
    /// Job name in logs and metrics.
    public static let jobName = "rollup"

    public static func make(config: RollupConfig, logger: Logger, metrics: EventdMetrics,
                            connect: @escaping @Sendable () throws -> PostgresConnection) -> PeriodicJobService {
        let job = PeriodicJob(name: jobName, interval: config.interval, summaryLevel: .debug, cadence: .fromStart) { connection in
            let report = try RollupRunner.runOnce(on: connection, settings: config)
            metrics.recordRollup(report)
            return report.description
        }
        return PeriodicJobService(name: "rollup", jobs: [job], logger: logger, connect: connect) { job, outcome in
            metrics.recordJob(job, outcome)
        }
    }
}
