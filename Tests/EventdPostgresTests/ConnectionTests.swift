import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

@Suite("Connecting")
struct ConnectionTests {
    @Test func connectsByURLAndReportsServerFacts() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect(applicationName: "eventd-conn-test")
            #expect(connection.isConnected)
            #expect(connection.serverVersion >= 130_000)
            #expect(connection.databaseName == db.name)
            #expect(connection.backendPID > 0)
            let rows = try connection.query("SELECT current_database(), current_setting('application_name')")
            #expect(rows.first?[0] == db.name)
            #expect(rows.first?[1] == "eventd-conn-test")
            // The URL's own application_name wins over the code's default.
            if let url = TestDatabase.adminURL, url.hasPrefix("postgres") {
                let withName = url + (url.contains("?") ? "&" : "?") + "application_name=from-url"
                let named = try TestDatabase.environmentLock.withLock {
                    try PostgresConnection.connect(url: withName, overrides: ["dbname": db.name])
                }
                #expect(try named.query("SELECT current_setting('application_name')").first?[0] == "from-url")
            }
        }
    }

    @Test func connectsWithPGEnvironmentWhenURLIsNilOrEmpty() throws {
        try withTestDatabase(migrated: false) { db in
            let reference = try db.connect()
            var variables: [String: String?] = [
                "PGHOST": reference.host, "PGPORT": reference.port, "PGUSER": reference.userName, "PGDATABASE": db.name,
            ]
            if let password = TestDatabase.adminURL.flatMap({ ConnectionStringMasking.passwords(in: $0).first }) {
                variables["PGPASSWORD"] = password
            }
            try TestDatabase.environmentLock.withLock {
                let saved = variables.keys.map { ($0, getenv($0).map { String(cString: $0) }) }
                defer {
                    for (key, value) in saved {
                        if let value { setenv(key, value, 1) } else { unsetenv(key) }
                    }
                }
                for (key, value) in variables {
                    if let value { setenv(key, value, 1) } else { unsetenv(key) }
                }
                for url in [nil, ""] as [String?] {
                    let connection = try PostgresConnection.connect(url: url)
                    #expect(try connection.query("SELECT current_database()").first?[0] == db.name)
                    #expect(try connection.query("SELECT current_setting('application_name')").first?[0] == "eventd")
                }
            }
        }
    }

    @Test func unreachableServerGivesOneLineErrorWithMaskedPassword() throws {
        let url = "postgresql://eventd:hunter2secret@127.0.0.1:1/nowhere?connect_timeout=3"
        let error = #expect(throws: PostgresError.self) { try PostgresConnection.connect(url: url) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isConnectionProblem == true)
        let text = error?.description ?? ""
        #expect(!text.contains("\n"))
        #expect(!text.contains("hunter2secret"))
        #expect(text.contains("postgresql://eventd:***@127.0.0.1:1/nowhere"))
        #expect(text.hasPrefix("connectionFailed: could not connect to"))
    }

    @Test(arguments: [
        "postgres://u:hunter2secret@localhost:notaport/db",
        "host=localhost password=hunter2secret this is not a keyword string",
        "postgres://u:hunter2secret@[::1/db",
    ])
    func malformedURLGivesOneLineError(url: String) throws {
        let error = #expect(throws: PostgresError.self) { try PostgresConnection.connect(url: url) }
        #expect(error?.code == .connectionFailed)
        let text = error?.description ?? ""
        #expect(!text.contains("\n"))
        #expect(!text.contains("hunter2secret"), "password leaked: \(text)")
    }

    /// The loader pings between retries while PostgreSQL is down: no login, so wrong credentials still
    /// count as "a server answers", and a closed port as "nobody there".
    @Test func pingTellsAnAnsweringServerFromNoServerWithoutLoggingIn() throws {
        let live = try #require(TestDatabase.adminURL, "EVENTD_TEST_DATABASE_URL names the test server")
        #expect(PostgresConnection.ping(url: live) == .answering)
        let (host, port) = try #require(try serverAddress())
        #expect(PostgresConnection.ping(url: "postgresql://nobody:wrong@\(host):\(port)/nowhere") == .answering)
        #expect(PostgresConnection.ping(url: "postgresql://127.0.0.1:1/nowhere?connect_timeout=3") == .unreachable)
    }

    /// libpq's multi-host form, as a primary with standbys is named: the first host that takes a
    /// read-write session wins, and the connection says which one it is.
    @Test func multiHostURLConnectsToTheHostThatAnswersAndSaysWhichItIs() throws {
        let (host, port) = try #require(try serverAddress())
        let url = "postgresql://postgres:pw@127.0.0.1:1,\(host):\(port)/postgres?target_session_attrs=read-write&connect_timeout=3"
        let connection = try PostgresConnection.connect(url: url)
        #expect(connection.port == port)
        #expect(try connection.query("SELECT pg_is_in_recovery()::text AS r").first?["r"] == "false")
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection.connect(url: "postgresql://eventd:hunter2secret@127.0.0.1:1,127.0.0.1:2/db?connect_timeout=3")
        }
        let text = error?.description ?? ""
        #expect(!text.isEmpty && !text.contains("hunter2secret"))
        #expect(PostgresConnection.ping(url: url) == .answering)
    }

    /// A server that goes silent must not hold a COPY or a COMMIT for the kernel's ~15 minutes of TCP
    /// retries: keepalives and tcp_user_timeout are on unless the URL says otherwise.
    @Test func tcpTimeoutsForASilentServerAreOnByDefaultAndTheURLWins() throws {
        let (host, port) = try #require(try serverAddress())
        let plain = try PostgresConnection.connect(url: "postgresql://postgres@\(host):\(port)/postgres")
        #expect(plain.option("tcp_user_timeout") == "60000")
        #expect(plain.option("keepalives_idle") == "10")
        #expect(plain.option("keepalives_count") == "3")
        let tuned = try PostgresConnection.connect(url: "postgresql://postgres@\(host):\(port)/postgres?tcp_user_timeout=5000&keepalives_idle=30")
        #expect(tuned.option("tcp_user_timeout") == "5000")
        #expect(tuned.option("keepalives_idle") == "30")
    }

    /// The test server's TCP host and port (tests that build URLs of their own need them).
    private func serverAddress() throws -> (String, String)? {
        let connection = try TestDatabase.adminConnection()
        guard let host = connection.host, let port = connection.port, !host.hasPrefix("/") else { return nil }
        return (host, port)
    }

    @Test func closedConnectionThrowsConnectionClosed() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            connection.close()
            connection.close()
            #expect(!connection.isConnected)
            let error = #expect(throws: PostgresError.self) { try connection.query("SELECT 1") }
            #expect(error?.code == .connectionClosed)
            #expect(error?.isConnectionProblem == false)
        }
    }

    @Test func terminatedBackendIsAConnectionProblemAndResetRecovers() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let killer = try db.connect()
            try killer.query("SELECT pg_terminate_backend($1::int)", [String(connection.backendPID)])
            let error = #expect(throws: PostgresError.self) { try connection.query("SELECT 1") }
            #expect(error?.isConnectionProblem == true, "got \(String(describing: error))")
            #expect(!(error?.description.contains("\n") ?? true))
            #expect(!connection.isConnected)
            try connection.reset()
            #expect(connection.isConnected)
            #expect(try connection.query("SELECT 2").first?.int(0) == 2)
        }
    }
}

@Suite("Masking passwords")
struct ConnectionStringMaskingTests {
    @Test(arguments: [
        ("postgres://u:secret@host:5432/db", "postgres://u:***@host:5432/db"),
        ("postgresql://u:p@ss@host/db", "postgresql://u:***@host/db"),
        ("postgres://u@host/db?sslmode=require&password=secret", "postgres://u@host/db?sslmode=require&password=***"),
        ("postgres://host/db", "postgres://host/db"),
        ("host=db user=u password=secret dbname=x", "host=db user=u password=*** dbname=x"),
        ("host=db password = 'se cret\\'x' dbname=x", "host=db password = *** dbname=x"),
        ("host=db mypassword=notakeyword", "host=db mypassword=notakeyword"),
    ])
    func masksPasswords(input: String, expected: String) {
        #expect(ConnectionStringMasking.masked(input) == expected)
    }
}
