@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// `kill -9` of a separate `eventd serve` process under load, then a restart: every confirmed event is
/// stored exactly once; unconfirmed ones may be missing, never duplicated.
extension FaultTests { @Suite struct KillNineTests {
    @Test(.timeLimit(.minutes(3)))
    func everyConfirmedEventSurvivesKillNineOnceWithAndWithoutPostgres() async throws {
        let server = try await PrivatePostgres.started()
        defer { server.destroy() }
        let database = TestDatabase.existing(url: server.url)
        let work = TemporarySpoolDirectory()
        try FileManager.default.createDirectory(atPath: work.path, withIntermediateDirectories: true)
        defer { work.remove() }
        let spool = work.path + "/spool"
        let confirmed = ConfirmedIDs()

        // 1. Killed while PostgreSQL takes everything: confirmed events are committed.
        var eventd = try EventdProcess.start(databaseURL: server.url, spoolDirectory: spool, workDirectory: work.path)
        try await Self.load(eventd, prefix: "k1", confirmed: confirmed) { eventd.kill9() }

        // 2. Restarted on the same spool; PostgreSQL stops, so acks come from the spool; killed again.
        eventd = try EventdProcess.start(databaseURL: server.url, spoolDirectory: spool, tcpPort: eventd.tcpPort,
                                         workDirectory: work.path)
        try await Self.load(eventd, prefix: "k2", confirmed: confirmed) {
            try await server.stop()
            try await Task.sleep(for: .seconds(2))
            eventd.kill9()
        }
        #expect(confirmed.spooled > 0, "some acks came from the spool while PostgreSQL was down")

        // 3. PostgreSQL back, eventd restarted: it replays what the killed process had spooled.
        try await server.restart()
        eventd = try EventdProcess.start(databaseURL: server.url, spoolDirectory: spool, tcpPort: eventd.tcpPort,
                                         workDirectory: work.path)
        let total = confirmed.count
        try await database.waitForCount("SELECT count(*) FROM analytics.events WHERE message_id LIKE 'k%'",
                                        toReach: total, timeout: .seconds(60))
        #expect(eventd.terminate() == 0)
        let check = try checkExactlyOnce(confirmed.all, database: database, prefix: "k")
        #expect(check.missing.isEmpty, "confirmed but missing: \(check.missing.prefix(5)) of \(total)")
        #expect(check.duplicated == 0, "no event is stored twice")
        #expect(check.stored >= total)
    }

    /// Three ack-mode senders for a second, then `fault` (which ends with the kill), then the senders
    /// notice the closed connection and stop.
    static func load(_ eventd: EventdProcess, prefix: String, confirmed: ConfirmedIDs,
                     fault: () async throws -> Void) async throws {
        let stop = StopFlag()
        let port = eventd.tcpPort
        let senders = (0..<3).map { sender in
            Task {
                try await onThread {
                    try runAckSender(port: port, prefix: "\(prefix)-s\(sender)", eventsPerLine: 20,
                                     interval: .milliseconds(5), confirmed: confirmed, stop: stop)
                }
            }
        }
        try await Task.sleep(for: .seconds(1))
        try await fault()
        stop.stop()
        for sender in senders { _ = try await sender.value }
    }
}
}
