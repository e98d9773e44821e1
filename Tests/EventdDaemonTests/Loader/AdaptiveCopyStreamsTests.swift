@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// Adaptive COPY streams against a real PostgreSQL, while the daemon runs (issue 17 item 3):
/// `StreamScalerTests` decide on paper; this shows the loader acting on those decisions.
@Suite(.serialized)
struct AdaptiveCopyStreamsTests {
    /// A flood keeps every stream busy, so the loader opens a third (`eventd_copy_streams_active`
    /// reaches 3); once the flood stops, the streams are given back down to one.
    @Test func opensAStreamUnderLoadAndGivesStreamsBackWhenTheLoadStops() async throws {
        try await withTestDatabase { database in
            // PostgreSQL must be the bound, as in production, whatever this machine's load and build: each
            // COPY into analytics.events waits 0.2 s, in its own backend, so a stream more is a COPY more
            // at once (what a second PostgreSQL core is to the real cost).
            let admin = try database.connect()
            try admin.execute("""
                CREATE FUNCTION public.test_slow_copy() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM pg_sleep(0.2); RETURN NULL; END $$
                """)
            try admin.execute("""
                CREATE TRIGGER test_slow_copy BEFORE INSERT ON analytics.events
                FOR EACH STATEMENT EXECUTE FUNCTION public.test_slow_copy()
                """)
            admin.close()
            try await withDaemon(await RunningDaemon.start(database: database, udp: false) { config in
                config.loader.connections = 3
                config.loader.batchRows = 500  // many cuts, so every stream has work while rows wait
                // A small ring: what is still queued when the senders stop drains in seconds.
                config.ring.capacity = 64
                // Only the loader holds connections, so the backends left after the load are its streams.
                config.rollup.enabled = false
                config.maintenance.enabled = false
            }) { daemon in
                let active = { daemon.metrics.recorders.first { $0.label == MetricName.copyStreamsActive } }
                #expect(active()?.lastValue == 2, "streams in use at start")

                // Flood until the third stream opens (or a bounded amount was sent): senders stop when cancelled.
                let linesPerSender = 3_000
                let (opened, sent) = try await withThrowingTaskGroup(of: Int.self) { group in
                    for sender in 0..<3 {
                        let port = daemon.tcpPort
                        group.addTask {
                            let client = try LineClient(port: port)
                            var sent = 0
                            for line in 0..<linesPerSender where !Task.isCancelled {
                                let events = (0..<100).map { i in
                                    #"{"type":"track","event":"Scale","anonymousId":"a","messageId":"s\#(sender)-\#(line)-\#(i)"}"#
                                }
                                try client.send("{\"batch\":[\(events.joined(separator: ","))]}\n")
                                sent += 100
                            }
                            return sent
                        }
                    }
                    let deadline = TestTimeout.deadline(after: .seconds(120))
                    var opened = false
                    while !opened, ContinuousClock.now < deadline {
                        opened = active()?.values.contains { $0 >= 3 } ?? false
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    group.cancelAll()
                    var sent = 0
                    for try await count in group { sent += count }
                    return (opened, sent)
                }
                #expect(opened, "a third COPY stream was opened while rows waited")

                // The load stopped: once the backlog is committed, after a few quiet windows each, the streams
                // are given back down to one.
                let landed = try await database.waitForCount("SELECT count(*) FROM analytics.events", toReach: sent,
                                                             timeout: .seconds(300))
                #expect(landed == sent, "every event sent landed")
                let deadline = TestTimeout.deadline(after: .seconds(60))
                while active()?.lastValue != 1, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(active()?.lastValue == 1, "streams given back once the load stopped")
                // A given-back stream's connection closes once its last cut is done (and a readiness ping's is
                // short-lived): eventually only the loader thread's own is left (this query's own connection,
                // also named eventd, is not counted).
                let backendsDeadline = TestTimeout.deadline(after: .seconds(30))
                var backends = -1
                while backends != 1, ContinuousClock.now < backendsDeadline {
                    backends = try database.scalar("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE application_name = 'eventd' AND datname = current_database() AND pid <> pg_backend_pid()
                        """)
                    if backends != 1 { try await Task.sleep(for: .milliseconds(200)) }
                }
                try await daemon.stop()
                #expect(backends == 1, "a given-back stream closes its connection: only the loader thread's own is left")
                #expect(try database.scalar("SELECT count(DISTINCT message_id) FROM analytics.events") == sent,
                        "every event landed once")
            }
        }
    }
}
