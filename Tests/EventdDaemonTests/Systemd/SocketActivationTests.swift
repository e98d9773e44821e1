@testable import EventdDaemon
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import EventdTesting

/// Sockets passed the way systemd passes them (`LISTEN_FDS`, `LISTEN_PID`, `LISTEN_FDNAMES`) are the
/// ones the sources serve, with no `listen` address configured at all.
@Suite(.serialized)
struct SocketActivationTests {
    @Test func sourcesServeInheritedSocketsAndEventsLand() async throws {
        try await withTestDatabase { database in
            let sockets = try ActivationSockets.make()
            var systemd = SystemdEnvironment()
            systemd.sockets = try sockets.inheritedSockets()
            try await withDaemon(await RunningDaemon.start(database: database, tcp: false, udp: false, systemd: systemd) { config in
                config.sources.http.requireWriteKey = false
            }) { daemon in
                #expect(daemon.tcpPort == sockets.tcpPort)
                #expect(daemon.udpPort == sockets.udpPort)
                #expect(daemon.httpPort == sockets.httpPort)

                let client = try LineClient(port: sockets.tcpPort)
                try client.send("{\"ack\":true}\n" + #"{"type":"page_view","name":"tcp","session_id":"s-act"}"# + "\n")
                #expect(client.readLine().flatMap(parseJSON)?["accepted"] as? Int == 1)
                sendDatagram(#"{"type":"page_view","name":"udp","session_id":"s-act"}"#, port: sockets.udpPort)
                let http = try HTTPTestClient(port: sockets.httpPort)
                let response = try http.request("POST", "/v1/track", headers: [("Content-Type", "application/json")],
                                                body: #"{"event":"http","anonymousId":"a","context":{"sessionId":"s-act"}}"#)
                #expect(response.status == 200)

                let landed = try await database.waitForCount(
                    "SELECT count(*) FROM analytics.events WHERE session_id = 's-act'", toReach: 3)
                #expect(landed == 3)
                #expect(try database.scalar("SELECT count(DISTINCT transport) FROM analytics.events WHERE session_id = 's-act'") == 3)
                try await daemon.stop()
                for offset in 0..<3 {
                    #expect(fcntl(sockets.firstDescriptor + CInt(offset), F_GETFD) == -1, "the daemon owned and closed its sockets")
                }
            }
        }
    }
}
