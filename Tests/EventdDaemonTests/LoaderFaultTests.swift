@testable import EventdDaemon
import Foundation
import Testing

/// The loader's promises when PostgreSQL itself refuses rows.
@Suite(.serialized)
struct LoaderFaultTests {
    @Test func poisonRowGoesToTheDeadLetterTableWhileTheRestOfItsBatchLands() async throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        // A rule the decoder cannot know: PostgreSQL refuses one row of the batch.
        let admin = try database.connect()
        try admin.execute("ALTER TABLE analytics.events ADD CONSTRAINT test_no_poison CHECK (name <> 'poison')")
        admin.close()

        let daemon = try await RunningDaemon.start(database: database)
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

    @Test func resumesAfterPostgresRestartsMidStreamWithEveryAcknowledgedEventOnce() async throws {
        let server = try PrivatePostgres.start()
        defer { server.destroy() }
        let database = TestDatabase.existing(url: server.url)
        let daemon = try await RunningDaemon.start(database: database) { config in
            config.loader.batchRows = 100
        }
        let client = try LineClient(port: daemon.tcpPort)
        try client.send("{\"ack\":true}\n")
        var acknowledged = 0
        for line in 0..<40 {
            var events: [String] = []
            for i in 0..<10 {
                events.append(#"{"type":"track","event":"Restart","anonymousId":"a","messageId":"r\#(line)-\#(i)"}"#)
            }
            try client.send("{\"batch\":[\(events.joined(separator: ","))]}\n")
            if line == 15 {
                // PostgreSQL goes away for a while: the line is held, then committed once it is back.
                try server.stopServer()
                try await Task.sleep(for: .seconds(2))
                #expect(daemon.daemon.health.readiness.ready == false, "not ready while PostgreSQL is down")
                try server.startServer()
            }
            let ack = try #require(client.readLine().flatMap(parseJSON), "line \(line) is acknowledged")
            acknowledged += ack["accepted"] as? Int ?? 0
        }
        try await daemon.stop()
        #expect(acknowledged == 400)
        #expect(try server.scalar("SELECT count(*) FROM analytics.events") == 400)
        #expect(try server.scalar("SELECT count(DISTINCT message_id) FROM analytics.events") == 400)
    }
}
