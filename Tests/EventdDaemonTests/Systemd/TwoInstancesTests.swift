@testable import EventdDaemon
import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

/// Scale-out on one host: two eventd processes' worth of daemons share one TCP port (`reuse_port`)
/// and one database. Senders resend overlapping batches to whichever instance the kernel picks; the
/// database stores each event once and the two rollup services, racing on an advisory lock, leave
/// rollups equal to a GROUP BY over the raw events.
@Suite(.serialized)
struct TwoInstancesTests {
    @Test func twoInstancesOnOnePortStoreResendsOnceAndRollUpExactly() async throws {
        try await withTestDatabase { database in
            func configure(port: Int) -> (inout EventdConfig) -> Void {
                { config in
                    config.sources.tcp.listen = ListenAddress(host: "127.0.0.1", port: port)
                    config.sources.tcp.reusePort = true
                    config.rollup.interval = .milliseconds(100)
                    config.maintenance.enabled = false
                }
            }
            try await withDaemon(await RunningDaemon.start(database: database, udp: false, configure: configure(port: 0))) { first in
                try await withDaemon(await RunningDaemon.start(database: database, udp: false, configure: configure(port: first.tcpPort))) { second in
                    #expect(second.tcpPort == first.tcpPort, "both listen on one port")

                    // 300 distinct events in 6 lines; each of 16 senders sends an overlapping window of 3 lines,
                    // and every line goes out at least twice.
                    let now = Date()
                    let formatter = ISO8601DateFormatter()
                    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                    let lines: [String] = (0..<6).map { line in
                        let events = (0..<50).map { i -> String in
                            let n = line * 50 + i
                            let time = formatter.string(from: now.addingTimeInterval(-Double(n * 37 % 7_200)))
                            let type = ["page_view", "user_action", "conversion"][n % 3]
                            return #"{"type":"\#(type)","name":"n\#(n % 4)","session_id":"s\#(n % 17)","user_id":"u\#(n % 5)","message_id":"two-\#(n)","timestamp":"\#(time)","properties":{"value":\#(n % 7)}}"#
                        }
                        return #"{"batch":[\#(events.joined(separator: ","))]}"#
                    }
                    for sender in 0..<16 {
                        let client = try LineClient(port: first.tcpPort)
                        try client.send("{\"ack\":true}\n")
                        for line in 0..<3 { try client.send(lines[(sender + line) % 6] + "\n") }
                        for _ in 0..<3 { #expect(client.readLine().flatMap(parseJSON)?["accepted"] as? Int == 50) }
                    }

                    #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 300)
                    #expect(try database.scalar("SELECT count(DISTINCT message_id) FROM analytics.events") == 300)
                    let (a, b) = (first.daemon.health.committed, second.daemon.health.committed)
                    #expect(a.inserted + b.inserted == 300, "each event inserted once across both instances")
                    #expect(a.inserted + a.duplicates > 0 && b.inserted + b.duplicates > 0, "the kernel gave both instances senders")

                    // Both rollup services run every 100 ms; the advisory lock lets one at a time recompute.
                    let connection = try database.connect()
                    defer { connection.close() }
                    let deadline = TestTimeout.deadline(after: .seconds(20))
                    var mismatches = -1
                    while ContinuousClock.now < deadline {
                        mismatches = try RollupSQL.mismatchCount(connection)
                        if mismatches == 0, try database.scalar("SELECT coalesce(sum(event_count), 0) FROM analytics.event_aggregations WHERE bucket_width = 'day'") == 300 { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(mismatches == 0, "rollups equal a GROUP BY over the raw events")
                    #expect(try database.scalar("SELECT sum(event_count) FROM analytics.event_aggregations WHERE bucket_width = 'hour'") == 300)
                    try await first.stop()
                    try await second.stop()
                    for daemon in [first, second] {
                        let ran = daemon.metrics.counters.filter { $0.label == "eventd_rollup_runs_total" || $0.label == "eventd_rollup_skipped_total" }
                            .reduce(0) { $0 + $1.totalValue }
                        #expect(ran > 0, "both instances ran their rollup service")
                    }
                }
            }
        }
    }
}
