import EventdPostgres
import Foundation
import Testing

@testable import EventdDaemon
@testable import EventdTesting

/// Issue #14, finding 9: `eventd serve` checks its login's privileges at start. An INSERT-only login
/// is refused with one line that names what is missing; a login granted the roles of 010 loads events.
@Suite(.serialized) struct IngestRoleTests {
    /// Runs `body` with the URL of the LOGIN role `role`, granted `grants` ($ROLE) in `database`.
    ///
    /// The roles are fixed names, created once per cluster and never dropped: roles are shared by
    /// every database, and 010 grants TEMP to each existing role while it migrates a database, so a
    /// test dropping its role would race with test databases migrating at the same time.
    static func withLogin(_ role: String, _ database: TestDatabase, grants: String, _ body: (String) async throws -> Void) async throws {
        let admin = try database.connect()
        defer { admin.close() }
        if try admin.query("SELECT 1 AS present FROM pg_roles WHERE rolname = $1", [role]).first == nil {
            do {
                try admin.execute("CREATE ROLE \(role) LOGIN")
            } catch {
                // Created meanwhile by a concurrent run of this test.
                try #require(try admin.query("SELECT 1 AS present FROM pg_roles WHERE rolname = $1", [role]).first != nil)
            }
        }
        try admin.execute(grants.replacingOccurrences(of: "$ROLE", with: role))
        try await body(database.url.replacingOccurrences(of: "//postgres@", with: "//\(role)@"))
    }

    @Test func insertOnlyLoginIsRefusedAtStartWithOneLine() async throws {
        try await withTestDatabase { database in
            try #require(database.url.contains("//postgres@"), "the test URL names the postgres login")
            try await Self.withLogin("eventd_test_insert_only", database, grants: """
                GRANT USAGE ON SCHEMA analytics, eventd TO $ROLE;
                GRANT INSERT ON analytics.events, analytics.rejected_events TO $ROLE
                """) { url in
                let settings = DaemonSettings(config: RunningDaemon.testConfig(), databaseURL: url)
                let error = #expect(throws: SettingsError.self) { try settings.checkDatabase() }
                let line = error?.description ?? ""
                #expect(line.contains("may not load events"))
                #expect(line.contains("BYPASSRLS"))
                #expect(line.contains("eventd_ingest"))
                #expect(!line.contains("\n"), "one line")
            }
        }
    }

    @Test func loginWithTheIngestRolesLoadsEvents() async throws {
        try await withTestDatabase { database in
                    // BYPASSRLS is a role attribute, never inherited: the login carries it (docs/security.md).
            try await Self.withLogin("eventd_test_ingest", database,
                                     grants: "ALTER ROLE $ROLE BYPASSRLS; GRANT eventd_ingest, eventd_rollup, eventd_maintenance TO $ROLE") { url in
                let settings = DaemonSettings(config: RunningDaemon.testConfig(), databaseURL: url)
                try settings.checkDatabase()
                try await withDaemon(await RunningDaemon.start(database: TestDatabase.existing(url: url))) { daemon in
                    let client = try LineClient(port: daemon.tcpPort)
                    try client.send("""
                        {"type":"user_action","name":"as_ingest","session_id":"s-ingest"}
                        {"type":"track","event":"as_ingest","userId":"u","messageId":"ingest-untimed"}
                        {"type":"track","event":"as_ingest","userId":"u","messageId":"ingest-untimed"}
                        {"type":"no_such_type","name":"refused"}

                        """)
                    #expect(try await database.waitForCount("SELECT count(*) FROM analytics.events WHERE name = 'as_ingest'", toReach: 2) == 2)
                    #expect(try await database.waitForCount("SELECT count(*) FROM analytics.rejected_events", toReach: 1) == 1)
                }
            }
        }
    }
}
