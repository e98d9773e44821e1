@testable import EventdDaemon
import Testing
@testable import EventdTesting

/// Issue #14, finding 8 (and 7's log): one client cannot hold every connection slot — a per-address
/// cap, and a connection that never sends a request is closed after `request_timeout` instead of
/// `idle_timeout` — and the refusals are logged anonymised and throttled.
@Suite(.serialized)
struct HTTPConnectionFairnessTests {
    @Test func oneAddressGetsAtMostItsShareOfConnections() async throws {
        try await withTestDatabase { database in
            let log = LogRecorder()
            try await withDaemon(await RunningDaemon.start(database: database, tcp: false, udp: false, http: true, log: log) { config in
                config.sources.http.maxConnections = 100
                config.sources.http.maxConnectionsPerIP = 2
            }) { daemon in
                let held = try (0..<2).map { _ in try HTTPTestClient(port: daemon.httpPort) }
                try await Task.sleep(for: .milliseconds(100))
                for _ in 0..<5 {
                    let extra = try HTTPTestClient(port: daemon.httpPort)
                    #expect(extra.isClosedByServer(), "a third connection from 127.0.0.1 is closed at once")
                }
                #expect(try held[0].request("GET", "/nope", bytes: nil).status == 404, "the admitted ones are served")

                let lines = log.lines(containing: "per-address connection limit")
                #expect(lines.count == 1, "five refusals, one line")
                #expect(lines.first?.metadata[LogKey.count] == "1")
                #expect(lines.first?.metadata[LogKey.peer] == "127.0.0.0", "anonymised, without the port (privacy.anonymize_ip)")
            }
        }
    }

    @Test func aConnectionThatSendsNothingIsClosedAfterTheRequestTimeout() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database, tcp: false, udp: false, http: true) { config in
                config.sources.http.idleTimeout = .seconds(120)  // longer than the client's own 20 s read timeout
                config.sources.http.requestTimeout = .milliseconds(500)
            }) { daemon in
                let silent = try HTTPTestClient(port: daemon.httpPort)
                #expect(silent.isClosedByServer(), "closed by the server, not kept for idle_timeout")
                let served = try HTTPTestClient(port: daemon.httpPort)
                #expect(try served.request("GET", "/nope", bytes: nil).status == 404, "a prompt client is served as before")
            }
        }
    }
}
