import EventdPostgres

/// Applies migrations to one database and reports their status.
///
/// Each pending migration runs in its own transaction: BEGIN; `SET LOCAL app.environment` when asked;
/// the file in one simple-query call; the ledger row; COMMIT. A failure rolls that migration back
/// (no ledger row) and stops the run; earlier migrations stay applied.
///
/// The whole run holds a session advisory lock (`advisoryLockKey`), so two eventd instances starting
/// together apply each migration exactly once: the second waits, then finds nothing pending.
public struct MigrationRunner {
    /// The `pg_advisory_lock` key held during `apply`: the ASCII bytes of "evtdmigr" as a big-endian
    /// Int64. Fixed forever: changing it would let an old and a new binary migrate concurrently.
    public static let advisoryLockKey: Int64 = 0x6576_7464_6D69_6772

    public let connection: PostgresConnection
    public let migrations: [Migration]

    /// - Parameters:
    ///   - connection: an open connection to the target database, not inside a transaction.
    ///   - migrations: the migrations to consider; the bundled SQL files by default (tests inject their own).
    public init(connection: PostgresConnection, migrations: [Migration] = Migrations.bundled) {
        self.connection = connection
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies every pending migration in version order.
    ///
    /// - Parameters:
    ///   - environment: when set, each migration's transaction gets `app.environment` (read it with
    ///     `current_setting('app.environment', true)`); the seed migration only inserts for `development`.
    ///   - log: receives one line per step, for the operator.
    ///   - step: when given, receives each pending migration as it starts and ends (for a progress
    ///     display), instead of `log`'s "applying …" / "applied … in N ms" lines.
    /// - Returns: the migrations applied by this call (empty when the schema was up to date).
    /// - Throws: `MigrationError`: `.checksumMismatch` before anything is applied if an applied file
    ///   changed; `.migrationFailed` with the server error when a migration fails (it is rolled back).
    @discardableResult
    public func apply(environment: String? = nil, log: (String) -> Void = { _ in },
                      step: ((MigrationStep) -> Void)? = nil) throws -> [Migration] {
        try validate()
        try takeLock(log: log)
        defer { releaseLock() }

        let ledger = MigrationLedger(connection: connection)
        let entries: [Int: MigrationLedger.Entry]
        do {
            try ledger.create()
            entries = try ledger.entries()
        } catch let error as PostgresError {
            throw MigrationError(code: .ledgerFailed, message: "could not read the migration ledger eventd.schema_migrations", underlying: error)
        }

        let statuses = Self.statuses(of: migrations, against: entries)
        if let changed = statuses.first(where: { $0.state == .changed }), let migration = migrations.first(where: { $0.version == changed.version }) {
            throw MigrationError(
                code: .checksumMismatch,
                version: migration.version,
                fileName: migration.fileName,
                message: "was changed after it was applied (applied sha256 \(changed.appliedChecksum?.prefix(12) ?? "?")…, file sha256 \(changed.checksum.prefix(12))…); restore the file and put the change in a new migration"
            )
        }
        let known = Set(migrations.map(\.version))
        for entry in entries.values.sorted(by: { $0.version < $1.version }) where !known.contains(entry.version) {
            log("database has migration \(entry.version) (\(entry.name)) that this eventd does not ship; a newer eventd applied it")
        }

        let pending = migrations.filter { entries[$0.version] == nil }
        guard !pending.isEmpty else {
            log("schema is up to date (\(entries.count) migrations applied)")
            return []
        }
        // One path for both callers: without a progress display, each step becomes its log line.
        func report(_ event: MigrationStep) {
            if let step { step(event) } else { log(event.logLine) }
        }
        var applied: [Migration] = []
        for (index, migration) in pending.enumerated() {
            report(.applying(migration, number: index + 1, of: pending.count))
            let milliseconds = try applyOne(migration, environment: environment, ledger: ledger)
            report(.applied(migration, number: index + 1, of: pending.count, milliseconds: milliseconds))
            applied.append(migration)
        }
        return applied
    }

    /// Every known migration with its state; reads the ledger without locking or changing anything.
    public func status() throws -> [MigrationStatus] {
        try validate()
        do {
            return Self.statuses(of: migrations, against: try MigrationLedger(connection: connection).entries())
        } catch let error as PostgresError {
            throw MigrationError(code: .ledgerFailed, message: "could not read the migration ledger eventd.schema_migrations", underlying: error)
        }
    }

    /// Runs one migration in its own transaction; returns its execution time in milliseconds.
    private func applyOne(_ migration: Migration, environment: String?, ledger: MigrationLedger) throws -> Int {
        func failure(_ message: String, _ error: PostgresError?) -> MigrationError {
            MigrationError(code: .migrationFailed, version: migration.version, fileName: migration.fileName, message: message, underlying: error)
        }
        var inFile = false  // a server position only points into the file when the file's call failed
        do {
            try connection.execute("BEGIN")
            if let environment {
                // set_config(…, true) is SET LOCAL with the value sent as a parameter (no quoting issues).
                try connection.query("SELECT set_config('app.environment', $1, true)", [environment])
            }
            let clock = ContinuousClock()
            let started = clock.now
            inFile = true
            try connection.execute(migration.sql)
            inFile = false
            let elapsed = clock.now - started
            let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
            guard connection.isInTransaction else {
                // The file ran COMMIT/ROLLBACK itself: what it did may already be committed.
                throw failure("ended the runner's transaction itself (remove BEGIN/COMMIT/ROLLBACK from the file); it was not recorded", nil)
            }
            try ledger.record(migration, executionMilliseconds: milliseconds)
            try connection.execute("COMMIT")
            return milliseconds
        } catch let error as PostgresError {
            rollback()
            var message = "failed and was rolled back"
            if inFile, let position = error.position, let line = Self.line(ofCharacter: position, in: migration.sql) {
                message = "failed at line \(line) and was rolled back"
            }
            throw failure(message, error)
        } catch {
            rollback()
            throw error
        }
    }

    /// The 1-based line holding the 1-based character `position` (the server counts characters, not bytes).
    static func line(ofCharacter position: Int, in sql: String) -> Int? {
        guard position >= 1 else { return nil }
        var line = 1
        var index = 1
        for scalar in sql.unicodeScalars {
            if index == position { return line }
            if scalar == "\n" { line += 1 }
            index += 1
        }
        return nil
    }

    private func rollback() {
        guard connection.isConnected, connection.isInTransaction else { return }
        try? connection.execute("ROLLBACK")
    }

    private func takeLock(log: (String) -> Void) throws {
        let key = String(Self.advisoryLockKey)
        do {
            if try connection.query("SELECT pg_try_advisory_lock($1::bigint)", [key]).first?.bool(0) == true { return }
            log("another eventd is migrating this database; waiting for its lock")
            try connection.query("SELECT pg_advisory_lock($1::bigint)", [key])
        } catch let error as PostgresError {
            throw MigrationError(code: .ledgerFailed, message: "could not take the migration lock", underlying: error)
        }
    }

    private func releaseLock() {
        guard connection.isConnected else { return }
        _ = try? connection.query("SELECT pg_advisory_unlock($1::bigint)", [String(Self.advisoryLockKey)])
    }

    private func validate() throws {
        var seen = Set<Int>()
        for migration in migrations {
            guard migration.version > 0, !migration.name.isEmpty else {
                throw MigrationError(code: .invalidMigrations, version: migration.version, message: "needs a positive version and a name")
            }
            guard seen.insert(migration.version).inserted else {
                throw MigrationError(code: .invalidMigrations, version: migration.version, fileName: migration.fileName, message: "appears twice")
            }
        }
    }

    static func statuses(of migrations: [Migration], against entries: [Int: MigrationLedger.Entry]) -> [MigrationStatus] {
        migrations.map { migration in
            guard let entry = entries[migration.version] else {
                return MigrationStatus(version: migration.version, name: migration.name, state: .pending, appliedAt: nil, checksum: migration.checksum, appliedChecksum: nil)
            }
            return MigrationStatus(
                version: migration.version,
                name: migration.name,
                state: entry.checksum == migration.checksum ? .applied : .changed,
                appliedAt: entry.appliedAt,
                checksum: migration.checksum,
                appliedChecksum: entry.checksum
            )
        }
    }
}
