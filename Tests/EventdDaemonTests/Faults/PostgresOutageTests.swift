@testable import EventdDaemon
import Foundation
import MetricsTestKit
import Testing
@testable import EventdTesting

/// PostgreSQL goes away for a long time while senders keep sending with confirmations: with a spool,
/// eventd keeps confirming (from the spool) and, once PostgreSQL is back, every confirmed event is
/// stored exactly once.
extension FaultTests { @Suite struct PostgresOutageTests {
    /// The outage, 30 s as in issue 7; `EVENTD_FAULT_OUTAGE_SECONDS` shortens (or lengthens) it.
    static let outage: Duration = .seconds(Int(ProcessInfo.processInfo.environment["EVENTD_FAULT_OUTAGE_SECONDS"] ?? "") ?? 30)

    @Test(.timeLimit(.minutes(3)))
    func everyEventConfirmedDuringAPostgresOutageIsStoredExactlyOnce() async throws {
        let server = try await PrivatePostgres.started()
        defer { server.destroy() }
        let spoolDirectory = TemporarySpoolDirectory()
        defer { spoolDirectory.remove() }
        let database = TestDatabase.existing(url: server.url)
        try await withDaemon(await RunningDaemon.start(database: database, udp: false, http: true) { config in
            config.spool.directory = spoolDirectory.path
            config.spool.divertAfter = .milliseconds(500)
            config.spool.fsync = .batch
        }) { daemon in
            let confirmed = ConfirmedIDs()
            let stop = StopFlag()
            let tcpPort = daemon.tcpPort, httpPort = daemon.httpPort
            async let tcpLines = onThread {
                try runAckSender(port: tcpPort, prefix: "out-tcp", eventsPerLine: 10, interval: .milliseconds(20),
                                 confirmed: confirmed, stop: stop)
            }
            async let httpRequests = onThread { try Self.httpSender(port: httpPort, confirmed: confirmed, stop: stop) }

            try await Task.sleep(for: .seconds(2))
            let beforeOutage = confirmed.count
            try await server.stop()
            try await Task.sleep(for: Self.outage)
            let duringOutage = confirmed.count - beforeOutage
            try await server.restart()
            try await Task.sleep(for: .seconds(3))
            stop.stop()
            let (lines, requests) = try await (tcpLines, httpRequests)

            // Replay drains the spool into PostgreSQL; then every confirmed event is there once.
            let total = confirmed.count
            let stored = try await database.waitForCount(
                "SELECT count(*) FROM analytics.events WHERE message_id LIKE 'out-%'", toReach: total, timeout: .seconds(60))
            try await daemon.stop()
            let check = try checkExactlyOnce(confirmed.all, database: database, prefix: "out-")
            #expect(beforeOutage > 0 && duringOutage > 0, "senders were confirmed before and during the outage")
            #expect(confirmed.spooled > 0, "acks during the outage came from the spool")
            #expect(check.missing.isEmpty, "confirmed but missing: \(check.missing.prefix(5))")
            #expect(check.duplicated == 0)
            #expect(stored == total, "\(lines) TCP lines and \(requests) HTTP requests sent")
            #expect(spoolDirectory.segmentFiles().isEmpty, "the spool is empty after the replay")
        }
    }

    /// POSTs batches of 5 events; a 200 confirms them, anything else (503 while saturated) does not.
    static func httpSender(port: Int, confirmed: ConfirmedIDs, stop: StopFlag) throws -> Int {
        var client = try HTTPTestClient(port: port)
        var request = 0
        while !stop.isStopped {
            let (_, ids) = faultLine(prefix: "out-http", line: request, events: 5)
            let body = "{\"batch\":[\(ids.map { faultEvent($0) }.joined(separator: ","))]}"
            if let response = try? client.request("POST", "/v1/batch", headers: [("Content-Type", "application/json")], body: body) {
                if response.status == 200 { confirmed.add(ids) }
            } else {
                client = try HTTPTestClient(port: port)
            }
            request += 1
            Thread.sleep(forTimeInterval: 0.05)
        }
        return request
    }
}
}

extension Tag {
    /// Long-running fault tests (PostgreSQL outages, kill -9, full disks, soak), all under `FaultTests`.
    /// They run in the normal test command (about 2 minutes in all); `swift test --skip FaultTests` leaves
    /// them out, `--filter FaultTests` runs only them.
    @Tag static var fault: Self
}
