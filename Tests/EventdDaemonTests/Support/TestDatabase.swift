import EventdMigrations
import EventdPostgres
import Foundation

/// A fresh, fully migrated database for one test, dropped afterwards.
///
/// The server comes from `EVENTD_TEST_DATABASE_URL` (an admin connection, e.g. the one
/// `deploy/dev/eventd-dev test` starts), else libpq's PG* variables. No server is a test failure
/// with a sentence saying how to get one, never a silent skip.
struct TestDatabase: Sendable {
    let name: String
    let url: String
    private let adminURL: String?

    /// `migrated: false` leaves it empty (for tests of the migration run itself).
    static func create(prefix: String = "eventd_daemon_test", migrated: Bool = true) throws -> TestDatabase {
        let adminURL = ProcessInfo.processInfo.environment["EVENTD_TEST_DATABASE_URL"]
        let admin: PostgresConnection
        do {
            admin = try PostgresConnection.connect(url: adminURL)
        } catch {
            throw TestSetupError("""
                no PostgreSQL for the tests (\(error)); run `deploy/dev/eventd-dev test`, \
                or set EVENTD_TEST_DATABASE_URL to an admin connection URL
                """)
        }
        defer { admin.close() }
        let name = "\(prefix)_\(UInt32.random(in: 0 ... .max))"
        try admin.execute("CREATE DATABASE \(name)")
        let base = adminURL ?? "postgresql:///postgres"
        let url = Self.replacingDatabase(in: base, with: name)
        guard migrated else { return TestDatabase(name: name, url: url, adminURL: adminURL) }
        let connection = try PostgresConnection.connect(url: url)
        defer { connection.close() }
        _ = try MigrationRunner(connection: connection).apply(environment: nil) { _ in }
        return TestDatabase(name: name, url: url, adminURL: adminURL)
    }

    /// A database that already exists and is migrated (a `PrivatePostgres`); `drop()` leaves it alone.
    static func existing(url: String) -> TestDatabase {
        TestDatabase(name: "", url: url, adminURL: nil)
    }

    func connect() throws -> PostgresConnection {
        try PostgresConnection.connect(url: url)
    }

    func drop() {
        guard !name.isEmpty, let admin = try? PostgresConnection.connect(url: adminURL) else { return }
        defer { admin.close() }
        try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

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

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
