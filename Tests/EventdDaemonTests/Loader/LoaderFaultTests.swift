@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// The loader's promises when PostgreSQL itself refuses rows, or goes away in the middle of a COPY.
@Suite(.serialized)
struct LoaderFaultTests {
    @Test func poisonRowGoesToTheDeadLetterTableWhileTheRestOfItsBatchLands() async throws {
        try await withTestDatabase { database in
            // A rule the decoder cannot know: PostgreSQL refuses one row of the batch.
            let admin = try database.connect()
            try admin.execute("ALTER TABLE analytics.events ADD CONSTRAINT test_no_poison CHECK (name <> 'poison')")
            admin.close()

            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                var events: [String] = []
                for i in 0..<500 {
                    let name = i == 317 ? "poison" : "fine"
                    events.append(#"{"type":"track","event":"\#(name)","anonymousId":"a","messageId":"p-\#(i)"}"#)
                }
                try client.send("{\"ack\":true}\n{\"batch\":[\(events.joined(separator: ","))]}\n")
                let ack = try #require(client.readLine().flatMap(parseJSON))
                #expect(ack["accepted"] as? Int == 499)
                #expect(ack["rejected"] as? Int == 1)
                let errors = try #require(ack["errors"] as? [[String: Any]])
                #expect(errors.first?["reason"] as? String == "rejected_by_database")
                #expect((errors.first?["detail"] as? String)?.contains("test_no_poison") == true)
                try await daemon.stop()

                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 499)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'poison'") == 0)
                #expect(try database.scalar("""
                    SELECT count(*) FROM analytics.rejected_events
                    WHERE reason = 'rejected_by_database' AND transport = 'tcp' AND detail LIKE '%test_no_poison%'
                      AND convert_from(raw, 'UTF8') LIKE '%poison%'
                    """) == 1)
            }
        }
    }

    @Test func resumesAfterPostgresRestartsMidStreamWithEveryAcknowledgedEventOnce() async throws {
        let server = try PrivatePostgres.start()
        defer { server.destroy() }
        let database = TestDatabase.existing(url: server.url)
        let log = LogRecorder()
        try await withDaemon(await RunningDaemon.start(database: database, log: log) { config in
            config.loader.batchRows = 100
        }) { daemon in
            let client = try LineClient(port: daemon.tcpPort)
            try client.send("{\"ack\":true}\n")
            var acknowledged = 0
            for line in 0..<40 {
                var events: [String] = []
                for i in 0..<10 {
                    events.append(#"{"type":"track","event":"Restart","anonymousId":"a","messageId":"r\#(line)-\#(i)"}"#)
                }
                let text = "{\"batch\":[\(events.joined(separator: ","))]}\n"
                if line == 15 {
                    // PostgreSQL goes away for a while: the line is held, then committed once it is back. It is
                    // stopped before the line is sent: the loader commits as soon as a line arrives (group
                    // commit), so a line sent first would already be committed.
                    try server.stopServer()
                    try client.send(text)
                    try await Task.sleep(for: .seconds(2))
                    #expect(daemon.daemon.health.readiness.ready == false, "not ready while PostgreSQL is down")
                    try server.startServer()
                } else {
                    try client.send(text)
                }
                let ack = try #require(client.readLine().flatMap(parseJSON), "line \(line) is acknowledged")
                acknowledged += ack["accepted"] as? Int ?? 0
            }
            try await daemon.stop()
            #expect(acknowledged == 400)
            #expect(try server.scalar("SELECT count(*) FROM analytics.events") == 400)
            #expect(try server.scalar("SELECT count(DISTINCT message_id) FROM analytics.events") == 400)
            // The outage (2 s of retries every 20–200 ms) is two lines: its start with the server's message,
            // and its end with the count of attempts; no line per retry.
            let unreachable = log.lines(containing: "PostgreSQL is unreachable")
            let again = log.lines(containing: "connected to PostgreSQL again after")
            #expect(unreachable.count == 1 && unreachable.first?.level == .error, "\(log.all.map(\.message))")
            #expect(again.count == 1, "\(log.all.map(\.message))")
            #expect(log.lines(containing: "still unreachable").isEmpty)
            #expect(log.lines(containing: "COPY failed").isEmpty)
            // Line 15 went to an idle COPY lane (the scaler starts with two streams), which handed it back to the loader
            // thread's retry policy: the path by which a lane's failed cut is still committed exactly once.
            #expect(log.lines(containing: "COPY on lane 1 failed; the loader thread retries the batch").count == 1,
                    "\(log.all.map(\.message))")
        }
    }

    /// One poison row in a 50,000-row COPY: the cut is bisected down to it, the other 49,999 land.
    @Test(.timeLimit(.minutes(2)))
    func poisonRowInAFiftyThousandRowCopyCostsOnlyItself() async throws {
        try await withTestDatabase { database in
            let admin = try database.connect()
            try admin.execute("ALTER TABLE analytics.events ADD CONSTRAINT test_no_poison CHECK (name <> 'poison')")
            admin.close()
            try await withDaemon(await RunningDaemon.start(database: database, udp: false) { config in
                config.loader.batchRows = 50_000
                config.loader.batchDelay = .seconds(5)  // one cut of all 50,000 rows
            }) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                var text = ""
                for line in 0..<200 {
                    let events = (0..<250).map { i in
                        let n = line * 250 + i
                        return faultEvent("big-\(n)", name: n == 31_337 ? "poison" : "fine")
                    }
                    text += "{\"batch\":[\(events.joined(separator: ","))]}\n"
                }
                try client.send(text)
                client.shutdownWrite()
                let landed = try await database.waitForCount(
                    "SELECT count(*) FROM analytics.events WHERE message_id LIKE 'big-%'", toReach: 49_999, timeout: .seconds(60))
                try await daemon.stop()
                #expect(landed == 49_999)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'poison'") == 0)
                #expect(try database.scalar("""
                    SELECT count(*) FROM analytics.rejected_events
                    WHERE reason = 'rejected_by_database' AND convert_from(raw, 'UTF8') LIKE '%big-31337%'
                    """) == 1)
                #expect(try database.scalar("SELECT max(c) FROM (SELECT count(*) c FROM analytics.events GROUP BY message_id) t") == 1)
                #expect(daemon.metrics.counterTotal(label: MetricName.rowsRefusedByDatabase) == 1)
            }
        }
    }

    /// PostgreSQL restarts while a long COPY is running (a slow row trigger makes it last seconds):
    /// the COPY's transaction is lost, the loader retries — straight into PostgreSQL, or with a spool
    /// via the spool — and every acknowledged event is stored once.
    @Test(.timeLimit(.minutes(2)), arguments: [false, true])
    func postgresRestartDuringACopyLosesAndDuplicatesNothing(withSpool: Bool) async throws {
        let server = try await PrivatePostgres.started()
        defer { server.destroy() }
        let database = TestDatabase.existing(url: server.url)
        let admin = try database.connect()
        try admin.execute("""
            CREATE FUNCTION test_slow_row() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN IF hashtext(NEW.message_id) % 20 = 0 THEN PERFORM pg_sleep(0.002); END IF; RETURN NEW; END $$;
            CREATE TRIGGER test_slow_row BEFORE INSERT ON analytics.events FOR EACH ROW EXECUTE FUNCTION test_slow_row();
            """)
        admin.close()
        let spoolDirectory = TemporarySpoolDirectory()
        defer { spoolDirectory.remove() }
        try await withDaemon(await RunningDaemon.start(database: database, udp: false) { config in
            config.loader.batchRows = 20_000
            config.loader.batchDelay = .seconds(1)
            if withSpool {
                config.spool.directory = spoolDirectory.path
                config.spool.divertAfter = .zero
            }
        }) { daemon in
            let client = try LineClient(port: daemon.tcpPort)
            var text = "{\"ack\":true}\n"
            for line in 0..<40 { text += faultLine(prefix: "mid", line: line, events: 500).text }
            try client.send(text)

            // Wait for the COPY to be running, then restart PostgreSQL under it.
            let deadline = TestTimeout.deadline(after: .seconds(30))
            var copying = 0
            while copying == 0, ContinuousClock.now < deadline {
                copying = (try? server.scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY%'")) ?? 0
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(copying == 1, "a COPY was running")
            try await server.stop()
            try await server.restart()

            var acknowledged = 0
            for line in 0..<40 {
                let ack = try #require(client.readLine().flatMap(parseJSON), "line \(line) is acknowledged")
                acknowledged += ack["accepted"] as? Int ?? 0
            }
            let stored = try await database.waitForCount(
                "SELECT count(*) FROM analytics.events WHERE message_id LIKE 'mid-%'", toReach: 20_000, timeout: .seconds(60))
            try await daemon.stop()
            #expect(acknowledged == 20_000)
            #expect(stored == 20_000)
            #expect(try server.scalar("SELECT count(DISTINCT message_id) FROM analytics.events") == 20_000)
        }
    }
}
