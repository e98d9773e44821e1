@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// `eventd serve` with rollup and maintenance services: events sent over TCP reach the rollup tables on
/// the configured interval, and the daemon still shuts down promptly.
@Suite(.serialized)
struct MaintenanceServiceTests {
    @Test func serveRollsUpOnItsIntervalAndStopsCleanly() async throws {
        try await withTestDatabase(prefix: "eventd_maintenance_test") { database in
            try await withDaemon(await RunningDaemon.start(database: database, udp: false) { config in
                config.rollup.interval = .milliseconds(100)
                config.rollup.lateWindow = .seconds(5)
            }) { daemon in
                #expect(daemon.daemon.rollup != nil && daemon.daemon.maintenance != nil)
                let client = try LineClient(port: daemon.tcpPort)
                let lines = (0..<25).map { #"{"type":"page_view","name":"home","session_id":"s\#($0 % 5)"}"# }
                try client.send(lines.joined(separator: "\n") + "\n")
                let rolled = try await database.waitForCount("""
                    SELECT coalesce(sum(event_count), 0) FROM analytics.event_aggregations WHERE bucket_width = 'day' AND name = 'home'
                    """, toReach: 25)
                #expect(rolled == 25)
                let sessions = try database.scalar("SELECT sum(distinct_sessions) FROM analytics.event_aggregations WHERE bucket_width = 'day' AND name = 'home'")
                #expect(sessions == 5)

                let clock = ContinuousClock()
                let started = clock.now
                try await daemon.stop()
                #expect(clock.now - started < .seconds(10), "rollup and maintenance threads stop with the daemon")
            }
        }
    }

    @Test func aDaemonNeverReportsItsOwnRollupAsAnotherInstance() async throws {
        #expect(MaintenanceTask.frequentPass(rollupServiceOn: true) == [.abandonInactiveSessions])
        #expect(MaintenanceTask.frequentPass(rollupServiceOn: false) == MaintenanceTask.frequent)

        try await withTestDatabase(prefix: "eventd_maintenance_test") { database in
            let log = LogRecorder()
            var config = RunningDaemon.testConfig()
            config.sources.tcp.listen = ListenAddress(host: "127.0.0.1", port: 0)
            config.rollup.interval = .milliseconds(50)
            config.maintenance.processPendingInterval = .milliseconds(50)
            try await withDaemon(await RunningDaemon.start(config: config, databaseURL: database.url, logLevel: .debug, log: log)) { daemon in
                try await Task.sleep(for: .seconds(1))
                try await daemon.stop()
                #expect(log.lines(containing: "another eventd instance").isEmpty)
                #expect(!log.lines(containing: "onboarding session(s) abandoned").isEmpty, "the frequent pass still runs")
            }
        }
    }
}
