@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// `eventd status`: what it reads from the admin endpoint, and what it says about it.
@Suite struct StatusReadingTests {
    @Test func prometheusTextGivesSamplesWithLabelsAndEscapes() {
        let text = PrometheusText("""
            # HELP eventd_events_rejected_total refusals
            # TYPE eventd_events_rejected_total counter
            eventd_events_rejected_total{reason="invalid_utf8"} 3
            eventd_events_rejected_total{reason="malformed_json"} 4
            eventd_postgres_server{host="10.0.0.2",port="5432"} 1
            eventd_postgres_server{host="odd \\"name\\"",port="5433"} 0
            eventd_rows_committed_total 1.5e3
            """)
        #expect(text.value(MetricName.eventsRejected) == 7)
        #expect(text.values(MetricName.eventsRejected, by: "reason") == ["invalid_utf8": 3, "malformed_json": 4])
        #expect(text.labels(MetricName.postgresServer, whereValue: 1) == [["host": "10.0.0.2", "port": "5432"]])
        #expect(text.labels(MetricName.postgresServer, whereValue: 0).first?["host"] == #"odd "name""#)
        #expect(text.value(MetricName.rowsCommitted) == 1_500)
    }

    @Test func verdictAndRatesFollowTheReadings() {
        func reading(committed: Double, spooled: Double, at time: Double) -> StatusSnapshot {
            StatusSnapshot(metrics: PrometheusText("""
                eventd_start_time_seconds 1000
                eventd_postgres_connected 1
                eventd_rows_committed_total \(committed)
                eventd_events_received_total \(committed)
                eventd_events_rejected_total{reason="invalid_utf8"} \(committed / 10)
                eventd_spool_records \(spooled)
                eventd_copy_streams_active 2
                eventd_copy_stream_busy_ratio{stream="1"} 0.61
                eventd_copy_stream_busy_ratio{stream="0"} 0.844
                """), readyStatus: 200, readiness: "ready\n", takenAt: time)
        }
        let first = reading(committed: 100, spooled: 0, at: 2_000)
        let healthy = StatusReport(reading(committed: 300, spooled: 0, at: 2_002), previous: first)
        #expect(healthy.verdict == .healthy && healthy.verdict.exitCode == 0)
        #expect(healthy.committedPerSecond == 100)
        #expect(healthy.rejectedPerSecond == ["invalid_utf8": 10])
        #expect(healthy.render().contains("up 16 min 42 s"))
        #expect(healthy.render().contains("2 stream(s): 84 %, 61 % busy"))
        let spooling = StatusReport(reading(committed: 300, spooled: 4, at: 2_002), previous: first)
        #expect(spooling.verdict == .degraded && spooling.verdict.exitCode == 1)
        #expect(spooling.reasons.contains { $0.contains("4 record(s) wait in the spool") })
        // A restarted daemon (another start time) gives no rates rather than negative ones.
        var restarted = reading(committed: 5, spooled: 0, at: 2_004)
        restarted.startedAt = 2_003
        #expect(StatusReport(restarted, previous: first).committedPerSecond == nil)
    }
}

/// `eventd status` against a real `eventd serve`: the numbers are the daemon's, the exit code says
/// healthy, and an address where nothing listens is "down" with exit status 2.
@Suite(.serialized) struct StatusCommandTests {
    @Test func statusReportsARunningDaemonAndExitsByItsHealth() async throws {
        let workspace = try FaultWorkspace.create()
        defer { workspace.remove() }
        let eventd = try EventdProcess.start(databaseURL: workspace.database.url, spoolDirectory: nil,
                                             workDirectory: workspace.path)
        defer { if eventd.isRunning { _ = eventd.terminate() } }
        try await eventd.waitUntilReady()
        let client = try LineClient(port: eventd.tcpPort)
        let good = (0..<12).map { #"{"type":"user_action","name":"status-test","session_id":"s\#($0)"}"# }
        let bad = (0..<3).map { _ in #"{"type":"no_such_type","name":"x"}"# }
        try client.send((good + bad).joined(separator: "\n") + "\n")
        _ = try await workspace.database.waitForCount("SELECT count(*) FROM analytics.events", toReach: 12)

        let (status, output) = try runEventd(["status", "--admin", "127.0.0.1:\(eventd.adminPort)", "--json", "--interval", "0.2"])
        let json = try #require(parseJSON(output), "JSON: \(output)")
        let snapshot = try #require(json["snapshot"] as? [String: Any])
        #expect(status == 0)
        #expect(json["verdict"] as? String == "healthy")
        #expect(snapshot["committed"] as? Double == 12)
        #expect((snapshot["rejected"] as? [String: Any])?["invalid_event_type"] as? Double == 3)
        #expect((snapshot["postgresServer"] as? String)?.hasPrefix("127.0.0.1:") == true)
        #expect(snapshot["version"] as? String == EventdVersion.current)
        #expect((snapshot["copyStreams"] as? Double ?? 0) >= 1)

        let (screenStatus, screen) = try runEventd(["status", "--admin", "127.0.0.1:\(eventd.adminPort)", "--interval", "0.2"])
        #expect(screenStatus == 0)
        #expect(screen.contains("healthy") && screen.contains("invalid_event_type"))

        let port = try freeLoopbackPort()
        let (downStatus, down) = try runEventd(["status", "--admin", "127.0.0.1:\(port)", "--interval", "0.2"])
        #expect(downStatus == 2)
        #expect(down.contains("down"))
    }

    private func runEventd(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try EventdProcess.binary())
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
