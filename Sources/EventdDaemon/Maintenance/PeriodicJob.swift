import EventdPostgres

/// One job of a `PeriodicJobService`: a name for logs and metrics, how often, and the work, which gets
/// the service's own connection and returns the one-line summary that is logged.
public struct PeriodicJob: Sendable {
    public let name: String
    public let interval: Duration
    public let run: @Sendable (PostgresConnection) throws -> String

    public init(name: String, interval: Duration, run: @escaping @Sendable (PostgresConnection) throws -> String) {
        self.name = name
        self.interval = interval
        self.run = run
    }
}
