@testable import EventdDaemon
import Foundation
import MetricsTestKit
import Testing
@testable import EventdTesting

/// A full spool (its `max_bytes` reached, or a real ENOSPC from a tiny tmpfs) while PostgreSQL is down
/// turns into backpressure — acks stop, TCP stops being read, HTTP answers 503 — and never into loss:
/// once PostgreSQL is back, everything held and everything confirmed is stored exactly once.
extension FaultTests { @Suite struct SpoolDiskFullTests {
    @Test(.timeLimit(.minutes(2)))
    func fullSpoolHoldsSendersBackAndLosesNothing() async throws {
        let server = try await PrivatePostgres.started()
        defer { server.destroy() }
        let spoolDirectory = TemporarySpoolDirectory()
        defer { spoolDirectory.remove() }
        let database = TestDatabase.existing(url: server.url)
        try await withDaemon(await RunningDaemon.start(database: database, udp: false, http: true) { config in
            config.spool.directory = spoolDirectory.path
            config.spool.maxBytes = 64 << 10
            config.spool.segmentBytes = 16 << 10
            config.spool.divertAfter = .zero
            config.ring.capacity = 4
            config.ring.maxBytes = 128 << 10
            config.limits.maxBatchBytes = 64 << 10
        }) { daemon in
            try await server.stop()
            let confirmed = ConfirmedIDs()
            let stop = StopFlag()
            let port = daemon.tcpPort
            async let acked = onThread {
                try runAckSender(port: port, prefix: "full-ack", eventsPerLine: 20, interval: .milliseconds(10),
                                 confirmed: confirmed, stop: stop)
            }
            let ackDeadline = TestTimeout.deadline(after: .seconds(20))
            while confirmed.spooled == 0, ContinuousClock.now < ackDeadline { try await Task.sleep(for: .milliseconds(20)) }
            // A sender without acks that never waits: it fills the ring, then its socket stops being read.
            async let blasted = onThread { () throws -> Int in
                let client = try LineClient(port: port)
                for line in 0..<200 { try client.send(faultLine(prefix: "full-blast", line: line, events: 20).text) }
                return 200 * 20
            }

            let metrics = daemon.metrics
            let deadline = TestTimeout.deadline(after: .seconds(20))
            while metrics.counterTotal(label: MetricName.spoolFull) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(metrics.counterTotal(label: MetricName.spoolFull) > 0, "the spool filled up")
            try await Task.sleep(for: .seconds(1))
            let stalledAt = confirmed.count
            try await Task.sleep(for: .seconds(2))
            #expect(confirmed.count == stalledAt, "no confirmation while neither PostgreSQL nor the spool takes events")
            #expect(stalledAt > 0 && confirmed.spooled > 0, "events were confirmed from the spool until it was full")
            let http = try HTTPTestClient(port: daemon.httpPort)
            let refused = try http.request("POST", "/v1/batch", body: "{\"batch\":[\(faultEvent("full-http-0"))]}")
            #expect(refused.status == 503, "HTTP is refused while the ring is full")

            try await server.restart()
            let sent = try await blasted
            try await Task.sleep(for: .seconds(1))
            stop.stop()
            _ = try await acked
            let expected = confirmed.count + sent
            try await database.waitForCount("SELECT count(*) FROM analytics.events WHERE message_id LIKE 'full-%'",
                                            toReach: expected, timeout: .seconds(30))
            try await daemon.stop()
            let check = try checkExactlyOnce(confirmed.all, database: database, prefix: "full-")
            #expect(check.missing.isEmpty)
            #expect(check.duplicated == 0)
            // The blasted events were never confirmed but were held, not dropped: all of them land too.
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE message_id LIKE 'full-blast-%'") == sent)
        }
    }

    /// The same with a real full disk: the spool on a 256 KiB tmpfs mounted in a private mount namespace
    /// (`unshare -m`: invisible to the rest of the machine, gone with the process), `max_bytes` far above
    /// it, so the writes hit ENOSPC. Needs root (CAP_SYS_ADMIN) for the namespace. Without root the test
    /// does not run: a user namespace (`unshare -rm`) can mount the tmpfs, but eventd's accepted TCP
    /// connections are then closed at once, so it cannot stand in; the `max_bytes` test above still
    /// proves the backpressure path.
    @Test(.timeLimit(.minutes(2)), .enabled(if: SpoolDiskFullTests.canMountTmpfs, "needs root for `unshare -m` (a private tmpfs)"))
    func enospcOnATinyTmpfsIsBackpressureNotLoss() async throws {
        let server = try await PrivatePostgres.started()
        defer { server.destroy() }
        let database = TestDatabase.existing(url: server.url)
        let work = TemporarySpoolDirectory()
        let spool = work.path + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { work.remove() }
        try await server.stop()
        // The mount exists only inside eventd's namespace, and vanishes with it.
        let eventd = try EventdProcess.start(
            databaseURL: server.url, spoolDirectory: spool,
            extra: "max_bytes = \"64MiB\"\nsegment_bytes = \"64KiB\"\n",
            workDirectory: work.path,
            wrapper: ["/usr/bin/unshare", "-m", "/bin/sh", "-c",
                      "mount -t tmpfs -o size=256k none '\(spool)' && exec \"$0\" \"$@\""])
        let confirmed = ConfirmedIDs()
        let stop = StopFlag()
        let port = eventd.tcpPort
        async let acked = onThread {
            try runAckSender(port: port, prefix: "enospc", eventsPerLine: 50, interval: .milliseconds(2),
                             confirmed: confirmed, stop: stop)
        }
        let deadline = TestTimeout.deadline(after: .seconds(30))
        while !eventd.log.contains("No space left on device"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(eventd.log.contains("No space left on device"), "the tmpfs filled up (\(confirmed.count) confirmed)")
        try await Task.sleep(for: .seconds(1))
        let stalledAt = confirmed.count
        try await Task.sleep(for: .seconds(2))
        #expect(confirmed.count == stalledAt, "no confirmation while the disk is full and PostgreSQL down")
        try await server.restart()
        try await Task.sleep(for: .seconds(2))
        stop.stop()
        _ = try await acked
        try await database.waitForCount("SELECT count(*) FROM analytics.events WHERE message_id LIKE 'enospc-%'",
                                        toReach: confirmed.count, timeout: .seconds(30))
        #expect(eventd.terminate() == 0)
        let check = try checkExactlyOnce(confirmed.all, database: database, prefix: "enospc-")
        #expect(confirmed.spooled > 0)
        #expect(check.missing.isEmpty)
        #expect(check.duplicated == 0)
    }

    static let canMountTmpfs: Bool = {
        let probe = "/tmp/eventd-tmpfs-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        return getuid() == 0 && system("/usr/bin/unshare -m /bin/sh -c 'mount -t tmpfs -o size=64k none \(probe)' >/dev/null 2>&1") == 0
    }()
}
}
