import EventdPostgres
import Logging

/// One job of a `PeriodicJobService`: a name for logs and metrics, how often, and the work, which gets
/// the service's own connection and returns the one-line summary that is logged.
public struct PeriodicJob: Sendable {
    public let name: String
    public let interval: Duration
    public let run: @Sendable (PostgresConnection) throws -> String
    /// The level of the per-run summary line: frequent jobs log at debug so a quiet daemon's log stays quiet.
    public let summaryLevel: Logger.Level
    /// Where the interval is measured from: the end of the last run (default), or its start.
    public let cadence: PeriodicCadence

    public init(name: String, interval: Duration, summaryLevel: Logger.Level = .info, cadence: PeriodicCadence = .afterEnd,
                run: @escaping @Sendable (PostgresConnection) throws -> String) {
        self.name = name
        self.interval = interval
        self.summaryLevel = summaryLevel
        self.cadence = cadence
        self.run = run
    }
}
