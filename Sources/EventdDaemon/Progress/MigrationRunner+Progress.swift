import EventdMigrations
import EventdPostgres

extension MigrationRunner {
    /// `apply` as `eventd migrate` shows it: the database's size and the pending count first, then
    /// each migration's name and position with its elapsed time while it runs (a migration that
    /// rewrites a large table can take minutes), and a line when it is done.
    @discardableResult
    public func apply(environment: String?, display: ProgressDisplay) throws -> [Migration] {
        let clock = ContinuousClock()
        let started = clock.now
        defer { display.finish() }
        let applied = try apply(environment: environment, log: { display.note($0) }, step: { step in
            switch step {
            case let .applying(migration, number, count):
                if number == 1 { display.note("migrate: \(count) pending migration(s) on a database of \(databaseSize())") }
                display.startTicking("migrate \(number)/\(count): applying \(migration.fileName)")
            case let .applied(migration, number, count, milliseconds):
                display.stopTicking()
                display.note("migrate \(number)/\(count): applied \(migration.fileName) in \(milliseconds) ms")
            }
        })
        if !applied.isEmpty {
            display.note("migrate: applied \(applied.count) migration(s) in \(StatusReport.duration((clock.now - started).seconds))")
        }
        return applied
    }

    private func databaseSize() -> String {
        guard let rows = try? connection.query("SELECT pg_size_pretty(pg_database_size(current_database())) AS size"),
              let size = rows.first?["size"] else { return "unknown size" }
        return size
    }
}
