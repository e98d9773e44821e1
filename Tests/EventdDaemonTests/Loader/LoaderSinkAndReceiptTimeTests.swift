@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// The benchmark null sink, and receipt time on long-lived TCP connections.
@Suite(.serialized)
struct LoaderSinkAndReceiptTimeTests {
    @Test func nullSinkAcknowledgesEventsWithoutStoringThem() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database, udp: false, sink: .null)) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("""
                    {"ack":true}
                    {"batch":[{"type":"page_view","name":"Home","session_id":"s1"},{"type":"page_view","name":"Pricing","session_id":"s1"}]}

                    """)
                let ack = try #require(client.readLine().flatMap(parseJSON))
                #expect(ack["accepted"] as? Int == 2)
                try await daemon.stop()
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 0)
            }
        }
    }

    @Test func tcpReceivedAtIsTheTimeOfEachReadNotOfTheConnection() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database, udp: false)) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("{\"type\":\"system\",\"name\":\"first\"}\n")
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.events", toReach: 1) == 1)
                try await Task.sleep(for: .milliseconds(1_200))
                try client.send("{\"type\":\"system\",\"name\":\"second\"}\n")
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.events", toReach: 2) == 2)
                try await daemon.stop()
                let gapMillis = try database.scalar("""
                    SELECT (extract(epoch FROM max(received_at) - min(received_at)) * 1000)::int FROM analytics.events
                    """)
                #expect(gapMillis >= 1_000, "both events were stamped with the connection's open time")
            }
        }
    }
}
