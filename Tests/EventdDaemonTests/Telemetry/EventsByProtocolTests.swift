@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// `eventd_events_by_protocol_total`: events counted by the protocol they came in, beside their
/// transport, and shown by `eventd status` and the console's Live page.
@Suite(.serialized)
struct EventsByProtocolTests {
    @Test func acceptedAndRefusedEventsAreCountedByProtocolAndTransport() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database, tcp: true, udp: false, http: true)) { daemon in
                let response = try HTTPTestClient(port: daemon.httpPort).request("POST", "/v1/batch", headers: [("Content-Type", "application/json")], body: """
                    {"batch":[{"type":"track","event":"Via Segment","userId":"u-1"},{"type":"track","userId":"u-1","event":""}]}
                    """)
                #expect(response.status == 200 || response.status == 400, "\(response.status) \(response.text)")
                try LineClient(port: daemon.tcpPort).send("""
                    {"type":"track","event":"Via TCP","userId":"u-2"}
                    {"type":"track","event":"Via TCP too","userId":"u-2"}
                    {not json

                    """)
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.events", toReach: 3) == 3)
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.rejected_events", toReach: 2) == 2)
                try await daemon.stop()

                func count(_ transport: String, _ name: String, _ outcome: String) -> Int64 {
                    daemon.metrics.counters.first {
                        $0.label == MetricName.eventsByProtocol && $0.dimensions.contains { $0 == ("transport", transport) }
                            && $0.dimensions.contains { $0 == ("protocol", name) } && $0.dimensions.contains { $0 == ("outcome", outcome) }
                    }?.totalValue ?? -1
                }
                #expect(count("http", "segment", "accepted") == 1)
                #expect(count("http", "segment", "refused") == 1)
                #expect(count("tcp", "native", "accepted") == 2)
                #expect(count("tcp", "native", "refused") == 1)
                #expect(count("http", "posthog", "accepted") == 0, "every protocol's counters exist from the start")
                #expect(count("udp", "native", "accepted") == 0)
            }
        }
    }

    @Test func statusAndTheLivePageShowEventsByProtocol() {
        func reading(segment: Double, native: Double, at time: Double) -> StatusSnapshot {
            StatusSnapshot(metrics: PrometheusText("""
                eventd_start_time_seconds 1000
                eventd_events_by_protocol_total{transport="http",protocol="segment",outcome="accepted"} \(segment)
                eventd_events_by_protocol_total{transport="http",protocol="segment",outcome="refused"} 2
                eventd_events_by_protocol_total{transport="tcp",protocol="native",outcome="accepted"} \(native)
                eventd_events_by_protocol_total{transport="udp",protocol="native",outcome="accepted"} 0
                """), readyStatus: 200, readiness: "ready", takenAt: time)
        }
        let before = reading(segment: 100, native: 10, at: 2000), after = reading(segment: 300, native: 60, at: 2010)
        #expect(after.acceptedByProtocol == ["http/segment": 300, "tcp/native": 60, "udp/native": 0])
        #expect(after.refusedByProtocol == ["http/segment": 2])
        let report = StatusReport(after, previous: before)
        #expect(report.receivedPerSecondByProtocol["http/segment"] == 20)
        #expect(report.receivedPerSecondByProtocol["tcp/native"] == 5)
        let screen = report.render()
        #expect(screen.contains("received, by protocol"))
        #expect(screen.contains("http/segment"))
        #expect(!screen.contains("udp/native"), "protocols that brought nothing are left out")

        let page = LivePage.byProtocol([(before, after)])
        #expect(page.contains(#"data-k="protocol-rate:http/segment">20.0<"#))
        #expect(page.contains(#"data-k="protocol-rate:tcp/native">5.0<"#))
        #expect(page.contains(#"data-k="protocol-refused:http/segment">2<"#))
    }
}
