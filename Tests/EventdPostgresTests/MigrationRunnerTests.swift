import EventdMigrations
import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

@Suite("Migration runner")
struct MigrationRunnerTests {
    static let one = Migration(version: 1, name: "create_items", sql: "CREATE TABLE items (id int PRIMARY KEY, label text);")
    static let two = Migration(version: 2, name: "add_items", sql: "INSERT INTO items VALUES (1, 'a'), (2, 'b');")
    static let three = Migration(version: 3, name: "add_column", sql: "ALTER TABLE items ADD COLUMN note text; UPDATE items SET note = 'v3';")

    private func ledger(_ connection: PostgresConnection) throws -> [[String?]] {
        try connection.query("SELECT version::text, name, checksum FROM eventd.schema_migrations ORDER BY version").map(\.values)
    }

    @Test func appliesInOrderRecordsChecksumsAndRerunIsANoOp() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            // Given out of order on purpose: the runner sorts by version.
            let runner = MigrationRunner(connection: connection, migrations: [Self.three, Self.one, Self.two])
            var lines: [String] = []
            let applied = try runner.apply { lines.append($0) }
            #expect(applied.map(\.version) == [1, 2, 3])
            #expect(lines.contains("applying 001_create_items.sql"))
            #expect(try connection.query("SELECT string_agg(note, ',' ORDER BY id) FROM items").first?[0] == "v3,v3")
            #expect(try ledger(connection) == [Self.one, Self.two, Self.three].map { [String($0.version), $0.name, $0.checksum] })
            let timing = try connection.query("SELECT bool_and(execution_ms >= 0 AND applied_at <= now()) FROM eventd.schema_migrations")
            #expect(try timing.first?.bool(0) == true)

            var rerunLines: [String] = []
            #expect(try runner.apply { rerunLines.append($0) }.isEmpty)
            #expect(rerunLines == ["schema is up to date (3 migrations applied)"])
            #expect(try ledger(connection).count == 3)
        }
    }

    @Test func checksumIsTheSHA256OfTheFileBytes() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let server = try connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [Self.one.sql]).first?[0]
            #expect(Self.one.checksum == server)
        }
    }

    @Test func refusesAChangedMigrationBeforeApplyingAnything() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try MigrationRunner(connection: connection, migrations: [Self.one, Self.two]).apply()
            let edited = Migration(version: 2, name: "add_items", sql: "INSERT INTO items VALUES (1, 'a'), (2, 'B');")
            let runner = MigrationRunner(connection: connection, migrations: [Self.one, edited, Self.three])
            let error = #expect(throws: MigrationError.self) { try runner.apply() }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.version == 2)
            #expect(error?.fileName == "002_add_items.sql")
            #expect(error?.description.hasPrefix("checksumMismatch: migration 2 (002_add_items.sql) was changed after it was applied") == true)
            #expect(!(error?.description.contains("\n") ?? true))
            #expect(try ledger(connection).count == 2)
            #expect(try connection.query("SELECT to_regclass('items') IS NOT NULL, count(*) FROM information_schema.columns WHERE column_name = 'note'").first?.int(1) == 0)
        }
    }

    @Test func failingMigrationRollsBackAndLeavesNoLedgerRow() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE half_done (id int); INSERT INTO missing_table VALUES (1);")
            let runner = MigrationRunner(connection: connection, migrations: [Self.one, broken, Self.three])
            let error = #expect(throws: MigrationError.self) { try runner.apply() }
            #expect(error?.code == .migrationFailed)
            #expect(error?.version == 2)
            #expect(error?.sqlState == "42P01")
            #expect(error?.description == #"migrationFailed: migration 2 (002_broken.sql) failed at line 1 and was rolled back: ERROR 42P01 relation "missing_table" does not exist"#)
            #expect(try connection.query("SELECT to_regclass('half_done') IS NULL").first?.bool(0) == true)
            #expect(try ledger(connection).map { $0[0] } == ["1"])
            #expect(!connection.isInTransaction)
            // The lock was released: another session can take it at once.
            let other = try db.connect()
            #expect(try other.query("SELECT pg_try_advisory_lock($1::bigint)", [String(MigrationRunner.advisoryLockKey)]).first?.bool(0) == true)
        }
    }

    @Test func failureReportsTheLineOfTheFailingStatement() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let typo = Migration(version: 7, name: "typo", sql: "-- héllo\nCREATE TABLE ok (id int);\n\nSELECT nope FROM ok;\n")
            let error = #expect(throws: MigrationError.self) { try MigrationRunner(connection: connection, migrations: [typo]).apply() }
            #expect(error?.sqlState == "42703")
            #expect(error?.description.hasPrefix("migrationFailed: migration 7 (007_typo.sql) failed at line 4 and was rolled back: ERROR 42703") == true, "\(String(describing: error))")
        }
    }

    @Test func migrationThatCommitsItselfIsReported() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let rogue = Migration(version: 1, name: "rogue", sql: "CREATE TABLE r (id int); COMMIT;")
            var notices: [String] = []
            connection.noticeHandler = { notices.append($0.message) }
            let error = #expect(throws: MigrationError.self) { try MigrationRunner(connection: connection, migrations: [rogue]).apply() }
            #expect(error?.code == .migrationFailed)
            #expect(try MigrationRunner(connection: connection, migrations: [rogue]).status().map(\.state) == [.pending])
        }
    }

    @Test func twoConcurrentRunnersApplyEachMigrationExactlyOnce() throws {
        try withTestDatabase(migrated: false) { db in
            let migrations = [
                Migration(version: 1, name: "slow_create", sql: "CREATE TABLE side_effects (version int); INSERT INTO side_effects VALUES (1); SELECT pg_sleep(1);"),
                Migration(version: 2, name: "second", sql: "INSERT INTO side_effects VALUES (2); SELECT pg_sleep(0.1);"),
                Migration(version: 3, name: "third", sql: "INSERT INTO side_effects VALUES (3);"),
            ]
            let applied = Locked<[[Int]]>([])
            let failures = Locked<[String]>([])
            let waited = Locked(false)
            let ready = DispatchGroup()
            let start = DispatchSemaphore(value: 0)
            let finished = DispatchGroup()
            for _ in 0..<2 {
                ready.enter()
                finished.enter()
                Thread {
                    defer { finished.leave() }
                    var isReady = false
                    do {
                        let connection = try db.connect()
                        ready.leave()
                        isReady = true
                        start.wait()
                        let versions = try MigrationRunner(connection: connection, migrations: migrations).apply { line in
                            if line.contains("waiting for its lock") { waited.withLock { $0 = true } }
                        }.map(\.version)
                        applied.withLock { $0.append(versions) }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                        if !isReady { ready.leave() }
                    }
                }.start()
            }
            ready.wait()
            start.signal()
            start.signal()
            #expect(finished.wait(timeout: .now() + 60) == .success)

            #expect(failures.withLock { $0 } == [])
            let results = applied.withLock { $0 }.sorted { $0.count > $1.count }
            #expect(results == [[1, 2, 3], []])
            #expect(waited.withLock { $0 }, "the second runner should have waited on the advisory lock")
            let connection = try db.connect()
            #expect(try connection.query("SELECT array_agg(version ORDER BY version)::text FROM side_effects").first?[0] == "{1,2,3}")
            #expect(try ledger(connection).count == 3)
        }
    }

    @Test func statusListsAppliedPendingAndChanged() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let fresh = try MigrationRunner(connection: connection, migrations: [Self.one, Self.two]).status()
            #expect(fresh.map(\.state) == [.pending, .pending])

            try MigrationRunner(connection: connection, migrations: [Self.one, Self.two]).apply()
            let edited = Migration(version: 2, name: "add_items", sql: Self.two.sql + "\n-- edited")
            let status = try MigrationRunner(connection: connection, migrations: [Self.one, edited, Self.three]).status()
            #expect(status.map(\.version) == [1, 2, 3])
            #expect(status.map(\.state) == [.applied, .changed, .pending])
            #expect(status[0].appliedAt.map { abs($0.timeIntervalSinceNow) < 300 } == true)
            #expect(status[1].appliedChecksum == Self.two.checksum)
            #expect(status[1].checksum == edited.checksum)
            #expect(status[2].appliedAt == nil)
        }
    }

    @Test func environmentIsVisibleToTheMigrationOnly() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let probe = Migration(version: 1, name: "probe", sql: "CREATE TABLE seen AS SELECT current_setting('app.environment', true) AS environment;")
            let plain = Migration(version: 2, name: "plain", sql: "INSERT INTO seen SELECT current_setting('app.environment', true);")
            try MigrationRunner(connection: connection, migrations: [probe]).apply(environment: "development")
            // SET LOCAL: gone after the migration's transaction, so the next one does not see it.
            try MigrationRunner(connection: connection, migrations: [probe, plain]).apply()
            let values = try connection.query("SELECT environment FROM seen").map { $0[0] }
            #expect(values.first == "development")
            #expect(values.last.map { $0 == nil || $0 == "" } == true)
            let leaked = try connection.query("SELECT current_setting('app.environment', true)").first?[0]
            #expect(leaked == nil || leaked == "")
        }
    }

    @Test func duplicateVersionsAreRejected() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let twin = Migration(version: 1, name: "twin", sql: "SELECT 1")
            let error = #expect(throws: MigrationError.self) { try MigrationRunner(connection: connection, migrations: [Self.one, twin]).apply() }
            #expect(error?.code == .invalidMigrations)
        }
    }

    @Test func fileNamesParseIntoVersionAndName() {
        let migration = Migration(fileName: "004_functions_triggers.sql", bytes: Array("SELECT 1".utf8))
        #expect(migration?.version == 4)
        #expect(migration?.name == "functions_triggers")
        #expect(migration?.fileName == "004_functions_triggers.sql")
        #expect(Migration(fileName: "notes.sql", bytes: []) == nil)
        #expect(Migration(fileName: "001_x.txt", bytes: []) == nil)
    }
}
