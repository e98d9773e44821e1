@testable import EventdDaemon
import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

/// After a failover the loader can find itself on a server that refuses writes (SQLSTATE 25006: a
/// standby, or the old primary demoted). That says nothing about the rows: the cut waits, the loader
/// reconnects until a writable server takes it, and nothing is dead-lettered as poison.
extension FaultTests { @Suite struct ReadOnlyServerTests {
    @Test(.timeLimit(.minutes(2)))
    func aReadOnlyServerHoldsTheCutUntilAWritableOneTakesItAndDeadLettersNothing() async throws {
        try await withTestDatabase(prefix: "eventd_readonly_test") { database in
            try await withDaemon(await RunningDaemon.start(database: database, udp: false) { config in
                config.rollup.enabled = false
                config.maintenance.enabled = false
            }) { daemon in
                #expect(daemon.daemon.health.databaseServer?.hasSuffix(":\(try #require(URLComponents(string: database.url)?.port))") == true,
                        "/readyz names the server in use")

                // Every new session on this database is read-only from now on, as on a standby.
                let admin = try database.connect()
                try admin.execute("ALTER DATABASE \(database.name) SET default_transaction_read_only = on")
                try admin.execute("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = '\(database.name)' AND pid <> pg_backend_pid()
                    """)
                let client = try LineClient(port: daemon.tcpPort)
                let lines = (0..<10).map { #"{"type":"track","name":"ro","messageId":"ro-\#($0)","anonymousId":"a","timestamp":"2026-12-01T00:00:00Z"}"# }
                try client.send(lines.joined(separator: "\n") + "\n")
                try await Task.sleep(for: .seconds(2))
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 0, "nothing can be written yet")
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events") == 0, "and nothing is poison")

                // The "new primary": writable sessions again.
                try admin.execute("ALTER DATABASE \(database.name) RESET default_transaction_read_only")
                let stored = try await database.waitForCount("SELECT count(*) FROM analytics.events WHERE name = 'ro'", toReach: 10)
                try await daemon.stop()
                let refusals = try database.connect().query("SELECT reason, detail FROM analytics.rejected_events LIMIT 3")
                #expect(stored == 10)
                #expect(refusals.count == 0, "\((0..<refusals.count).map { "\(refusals[$0]["reason"] ?? ""): \(refusals[$0]["detail"] ?? "")" })")
            }
        }
    }
}}
