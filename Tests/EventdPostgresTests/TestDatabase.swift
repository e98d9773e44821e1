import EventdPostgres
import Foundation
import Testing

/// A fresh database for one test: `eventd_test_<random>`, created through the admin connection and
/// dropped (WITH FORCE) when the test ends.
///
/// The server comes from EVENTD_TEST_DATABASE_URL, else libpq's PG* environment variables. When neither
/// reaches a server the test fails with a message saying so: these tests are never skipped silently.
struct TestDatabase: Sendable {
    let name: String

    /// A new connection to this test's database.
    func connect(applicationName: String = "eventd-test") throws -> PostgresConnection {
        try Self.environmentLock.withLock {
            try PostgresConnection.connect(url: Self.adminURL, applicationName: applicationName, overrides: ["dbname": name])
        }
    }

    /// Runs `body` with a fresh database, dropping it afterwards.
    static func with<T>(_ body: (TestDatabase) throws -> T) throws -> T {
        let admin = try adminConnection()
        let name = "eventd_test_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try admin.execute("CREATE DATABASE \(name)")
        defer { _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        return try body(TestDatabase(name: name))
    }

    /// The admin server URL from EVENTD_TEST_DATABASE_URL; nil means the PG* environment.
    static var adminURL: String? {
        guard let value = getenv("EVENTD_TEST_DATABASE_URL").map({ String(cString: $0) }), !value.isEmpty else { return nil }
        return value
    }

    static func adminConnection() throws -> PostgresConnection {
        try environmentLock.withLock {
            do {
                return try PostgresConnection.connect(url: adminURL, applicationName: "eventd-test-admin")
            } catch {
                throw SetupError(
                    "no PostgreSQL reachable for EventdPostgresTests (using \(adminURL.map(ConnectionStringMasking.masked) ?? "the PG* environment")): \(error). "
                        + "Start a server and set EVENTD_TEST_DATABASE_URL=postgres://USER@HOST:PORT/postgres (a role allowed to CREATE DATABASE)."
                )
            }
        }
    }

    /// Serialises libpq connects with the one test that changes PG* variables: setenv while another
    /// thread's libpq reads the environment is a data race.
    static let environmentLock = NSLock()

    struct SetupError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// A value shared between test threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

extension Tag {
    /// Tests that run the real SQL files from Sources/EventdMigrations/SQL.
    @Tag static var bundledSQL: Self
}
