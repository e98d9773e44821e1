import EventdPostgres
import Logging

/// The `[maintenance]` jobs inside `eventd serve`: the frequent pass (`process_pending_events` unless the
/// `[rollup]` service runs it, `abandon_inactive_sessions`) every `process_pending_interval`, the daily pass (partitions ahead,
/// raw and rollup retention) every `cleanup_interval`; both at start, on their own connection.
public enum MaintenanceService {
    public static func make(config: EventdConfig, logger: Logger, metrics: EventdMetrics,
                            connect: @escaping @Sendable () throws -> PostgresConnection) -> PeriodicJobService {
        let settings = MaintenanceSettings(config)
        func job(_ name: String, _ interval: Duration, _ tasks: [MaintenanceTask]) -> PeriodicJob {
            PeriodicJob(name: name, interval: interval) { connection in
                try MaintenanceRunner.runOnce(on: connection, settings: settings, tasks: tasks)
                    .map(\.description).joined(separator: "; ")
            }
        }
        return PeriodicJobService(
            name: "maintenance",
            jobs: [job("maintenance.daily", config.maintenance.cleanupInterval, MaintenanceTask.daily),
                   job("maintenance.frequent", config.maintenance.processPendingInterval,
                       MaintenanceTask.frequentPass(rollupServiceOn: config.rollup.enabled))],
            logger: logger, connect: connect
        ) { job, outcome in
            metrics.recordJob(job, outcome)
        }
    }
}
