import EventdMigrations
import EventdPostgres
import Foundation

/// A fresh database for one test, `<prefix>_<random>` on the test server, migrated or empty, dropped
/// (WITH FORCE) afterwards. Use it through `withTestDatabase`, which drops it on every exit path.
///
/// The server comes from `EVENTD_TEST_DATABASE_URL` (an admin connection, e.g. the one
/// `deploy/dev/eventd-dev test` starts), else libpq's PG* variables. No server is a test failure
/// with a sentence saying how to get one, never a silent skip.
struct TestDatabase: Sendable {
    /// The database's name; empty for an `existing` one.
    let name: String
    /// A connection URL for this database (what a daemon under test is given).
    let url: String

    /// Creates the database; `migrated: false` leaves it empty (for tests of the migration run itself).
    /// Prefer `withTestDatabase`: a database created here is the caller's to `drop()`.
    static func create(prefix: String = "eventd_test", migrated: Bool = true) throws -> TestDatabase {
        let admin = try adminConnection()
        defer { admin.close() }
        let name = "\(prefix)_" + String(UInt64.random(in: 0 ... .max), radix: 36)
        try admin.execute("CREATE DATABASE \(name)")
        let database = TestDatabase(name: name, url: replacingDatabase(in: adminURL ?? "postgresql:///postgres", with: name))
        guard migrated else { return database }
        do {
            let connection = try database.connect()
            defer { connection.close() }
            _ = try MigrationRunner(connection: connection).apply(environment: nil) { _ in }
        } catch {
            database.drop()
            throw error
        }
        return database
    }

    /// A database that already exists and is migrated (a `PrivatePostgres`); `drop()` leaves it alone.
    static func existing(url: String) -> TestDatabase {
        TestDatabase(name: "", url: url)
    }

    /// A new connection to this database.
    func connect(applicationName: String = "eventd-test") throws -> PostgresConnection {
        try Self.environmentLock.withLock {
            guard !name.isEmpty else { return try PostgresConnection.connect(url: url, applicationName: applicationName) }
            return try PostgresConnection.connect(url: Self.adminURL, applicationName: applicationName, overrides: ["dbname": name])
        }
    }

    func drop() {
        guard !name.isEmpty, let admin = try? Self.adminConnection() else { return }
        defer { admin.close() }
        try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// The admin server URL from EVENTD_TEST_DATABASE_URL; nil means the PG* environment.
    static var adminURL: String? {
        guard let value = ProcessInfo.processInfo.environment["EVENTD_TEST_DATABASE_URL"], !value.isEmpty else { return nil }
        return value
    }

    static func adminConnection() throws -> PostgresConnection {
        try environmentLock.withLock {
            do {
                return try PostgresConnection.connect(url: adminURL, applicationName: "eventd-test-admin")
            } catch {
                throw TestSetupError("""
                    no PostgreSQL reachable for the tests (using \(adminURL.map(ConnectionStringMasking.masked) ?? "the PG* environment")): \
                    \(error). Run `deploy/dev/eventd-dev test`, or start a server and set \
                    EVENTD_TEST_DATABASE_URL=postgres://USER@HOST:PORT/postgres (a role allowed to CREATE DATABASE).
                    """)
            }
        }
    }

    /// Serialises libpq connects with the one test that changes PG* variables: setenv while another
    /// thread's libpq reads the environment is a data race.
    static let environmentLock = NSLock()

    /// Swaps the database name in a postgres:// URL (keeping its query string), or appends
    /// `dbname=` to a libpq keyword string.
    static func replacingDatabase(in url: String, with name: String) -> String {
        guard let scheme = url.range(of: "://") else { return url + " dbname=\(name)" }
        var base = url
        var query = ""
        if let mark = url.firstIndex(of: "?") {
            base = String(url[..<mark])
            query = String(url[mark...])
        }
        if let slash = base[scheme.upperBound...].firstIndex(of: "/") {
            return String(base[..<slash]) + "/" + name + query
        }
        return base + "/" + name + query
    }

    /// Polls `sql` (a single integer) until it equals `expected` or `timeout` (scaled, see TestTimeout) passes;
    /// returns the last value.
    @discardableResult
    func waitForCount(_ sql: String, toReach expected: Int, timeout: Duration = .seconds(20)) async throws -> Int {
        let connection = try connect()
        defer { connection.close() }
        let deadline = TestTimeout.deadline(after: timeout)
        var last = -1
        while ContinuousClock.now < deadline {
            last = try scalar(connection, sql)
            if last >= expected { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        return last
    }

    func scalar(_ sql: String) throws -> Int {
        let connection = try connect()
        defer { connection.close() }
        return try scalar(connection, sql)
    }

    private func scalar(_ connection: PostgresConnection, _ sql: String) throws -> Int {
        let rows = try connection.query(sql)
        return Int(rows.first?[0] ?? "") ?? -1
    }
}

/// A test's set-up failed (no server, no free port, a helper process that would not start), said in a sentence.
struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
