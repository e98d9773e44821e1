import Testing

@testable import EventdDaemon
@testable import EventdTesting

/// Issue #14, finding 11: the same `messageId` sent again WITHOUT a `timestamp` is stored once,
/// whichever transport brings it and across a restart. (Without a timestamp, original_timestamp is
/// the receipt time, part of analytics.events' key; analytics.untimed_event_ids keys such events by
/// event_id alone.)
@Suite(.serialized) struct UntimedResendTests {
    static func track(_ id: String) -> String {
        #"{"type":"track","event":"Untimed","userId":"u-untimed","messageId":"\#(id)","properties":{"via":"\#(id)"}}"#
    }

    @Test func resendWithoutTimestampIsStoredOnceOverTCPUDPAndHTTPAndAcrossARestart() async throws {
        try await withTestDatabase { database in
            let ids = ["untimed-tcp", "untimed-udp", "untimed-http", "untimed-batch"]

            func sendAll(_ daemon: RunningDaemon, round: Int) async throws {
                let tcp = try LineClient(port: daemon.tcpPort)
                try tcp.send("{\"ack\":true}\n\(Self.track("untimed-tcp"))\n")
                #expect(tcp.readLine() != nil)
                // Twice in one batch: both copies reach the same cut.
                try tcp.send(#"{"batch":[\#(Self.track("untimed-batch")),\#(Self.track("untimed-batch"))]}"# + "\n")
                #expect(tcp.readLine() != nil)
                sendDatagram(Self.track("untimed-udp"), port: daemon.udpPort)
                let http = try HTTPTestClient(port: daemon.httpPort)
                let response = try http.request("POST", "/v1/track", headers: [("Content-Type", "application/json")],
                                                body: Self.track("untimed-http"))
                #expect(response.status == 200)
                // Every copy of this round is in (landed or skipped) once the loader wrote the UDP one.
                _ = try await database.waitForCount(
                    "SELECT count(DISTINCT message_id) FROM analytics.events WHERE message_id LIKE 'untimed-%'", toReach: ids.count)
                try await Task.sleep(for: .milliseconds(300))  // the receipt times of the next round differ
            }

            try await withDaemon(await RunningDaemon.start(database: database, http: true)) { first in
                try await sendAll(first, round: 1)
                try await sendAll(first, round: 2)
                try await first.stop()
                try await withDaemon(await RunningDaemon.start(database: database, http: true)) { second in
                    try await sendAll(second, round: 3)
                    try await second.stop()

                    for id in ids {
                        #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE message_id = '\(id)'") == 1,
                                "\(id) is stored once")
                    }
                    #expect(try database.scalar("SELECT count(*) FROM analytics.untimed_event_ids") == ids.count)
                    // An event WITH a timestamp is not recorded there (its key is its own).
                    #expect(try database.scalar("""
                        SELECT count(*) FROM analytics.events e JOIN analytics.untimed_event_ids k USING (event_id)
                        WHERE e.original_timestamp <> e.received_at
                        """) == 0)
                }
            }
        }
    }
}
