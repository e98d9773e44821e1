import EventdPostgres

/// Runs maintenance tasks on demand: `eventd maintain --once` and the integration tests call this,
/// the maintenance service runs the same tasks on its schedule.
public enum MaintenanceRunner {
    /// One line of `eventd maintain --once`: the task and what it did.
    public struct Line: Sendable, CustomStringConvertible {
        public let task: MaintenanceTask
        public let summary: String
        public var description: String { "\(task.rawValue): \(summary)" }
    }

    /// Runs `tasks` in order (default: the daily pass, then the frequent one), each in its own transaction.
    /// Stops at the first failure, which is thrown.
    public static func runOnce(on connection: PostgresConnection, settings: MaintenanceSettings,
                               tasks: [MaintenanceTask] = MaintenanceTask.daily + MaintenanceTask.frequent) throws -> [Line] {
        try tasks.map { Line(task: $0, summary: try $0.run(on: connection, settings: settings)) }
    }
}
