@testable import EventdDaemon
import EventdCore
import EventdPostgres
import Foundation
import Logging
import Testing
@testable import EventdTesting

/// Several COPYs at once (`loader.connections`): every event still lands exactly once, and a deadlock
/// between two COPYs holding the same events is retried, never dead-lettered.
@Suite(.serialized)
struct LoaderLaneTests {
    @Test func copyLosingADeadlockToAConcurrentTransactionRetriesAndDeadLettersNothing() async throws {
        try await withTestDatabase { database in
            let cut = try Self.batch(messageIDs: ["lane-b", "lane-a"])  // B first, then A
            let onlyA = try Self.batch(messageIDs: ["lane-a"])
            let onlyB = try Self.batch(messageIDs: ["lane-b"])

            // A slows down just before its index entry, so the race goes the same way every run: the
            // other transaction holds A; the loader inserts B, sleeps in A's trigger; meanwhile the other
            // transaction waits for B; then the loader waits for A — a cycle that the loader, waiting last,
            // detects (its deadlock_timeout is 100 ms; a wait is checked once) and is aborted for.
            let admin = try database.connect()
            try admin.execute("""
                CREATE FUNCTION public.test_slow_lane_a() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.message_id = 'lane-a' THEN PERFORM pg_sleep(1.5); END IF; RETURN NEW; END $$
                """)
            try admin.execute("""
                CREATE TRIGGER test_slow_lane_a BEFORE INSERT ON analytics.events
                FOR EACH ROW EXECUTE FUNCTION public.test_slow_lane_a()
                """)
            admin.close()
            let other = try database.connect()
            defer { other.close() }
            try other.execute("SET deadlock_timeout = '30s'")
            try other.execute("BEGIN")
            _ = try other.copyIn(EventColumns.copyStatement) { writer in try Self.write(onlyA, to: writer) }

            let log = LogRecorder()
            let url = database.url
            let loader = CopyLoader(logger: log.logger(level: .debug), format: .text) {
                let connection = try PostgresConnection.connect(url: url)
                try connection.execute("SET deadlock_timeout = '100ms'")
                return connection
            }
            let loading = Task.detached { try loader.load([cut]) }
            try await Task.sleep(for: .milliseconds(600))
            _ = try other.copyIn(EventColumns.copyStatement) { writer in try Self.write(onlyB, to: writer) }
            try other.execute("COMMIT")

            let report = try await loading.value
            #expect(report.refused.isEmpty, "a deadlock is not a verdict on the rows")
            #expect(report.inserted == 0 && report.duplicates == 2, "the other transaction committed both first")
            #expect(!log.lines(containing: "lost a race with a concurrent COPY").isEmpty, "the deadlock happened")
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE message_id LIKE 'lane-%'") == 2)
            #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events") == 0)
        }
    }

    @Test func floodOverThreeConnectionsLandsEveryAcknowledgedEventOnce() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database) { config in
                config.loader.connections = 3
                config.loader.batchRows = 300  // many cuts, so lanes and the loader thread overlap
            }) { daemon in
                // Two senders, so cuts fill while lanes are busy; each line is a batch of 100.
                let lines = 60
                let counts = try await withThrowingTaskGroup(of: (accepted: Int, acks: Int).self) { group in
                    for sender in 0..<2 {
                        let port = daemon.tcpPort
                        group.addTask {
                            let client = try LineClient(port: port)
                            var text = "{\"ack\":true}\n"
                            for line in 0..<lines {
                                let events = (0..<100).map { i in
                                    #"{"type":"track","event":"Lane","anonymousId":"a","messageId":"s\#(sender)-\#(line)-\#(i)"}"#
                                }
                                text += "{\"batch\":[\(events.joined(separator: ","))]}\n"
                            }
                            try client.send(text)
                            var accepted = 0
                            for _ in 0..<lines {
                                let ack = try #require(client.readLine().flatMap(parseJSON))
                                accepted += ack["accepted"] as? Int ?? 0
                            }
                            return (accepted, lines)
                        }
                    }
                    var total = (accepted: 0, acks: 0)
                    for try await count in group {
                        total.accepted += count.accepted
                        total.acks += count.acks
                    }
                    return total
                }
                let connections = try database.scalar("""
                    SELECT count(*) FROM pg_stat_activity WHERE application_name = 'eventd' AND datname = current_database()
                    """)
                try await daemon.stop()

                #expect(counts.acks == 2 * lines)
                #expect(counts.accepted == 2 * lines * 100)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'Lane'") == 2 * lines * 100)
                #expect(try database.scalar("SELECT count(DISTINCT message_id) FROM analytics.events") == 2 * lines * 100)
                #expect(connections >= 2, "the loader thread's connection and at least one lane's")
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events") == 0)
            }
        }
    }

    // MARK: - Support

    /// One batch of track events with fixed timestamps, so the same message id makes the same event id.
    static func batch(messageIDs: [String]) throws -> IngestBatch {
        let batch = IngestBatch()
        var decoder = EventDecoder()
        let context = IngestContext(receivedAt: Timestamp.now(), transport: .tcp)
        for id in messageIDs {
            let line = #"{"type":"track","event":"Lane","anonymousId":"a","messageId":"\#(id)","timestamp":"2026-11-25T12:00:00Z"}"#
            let summary = decoder.decode(line, context: context, into: batch.events, rejected: batch.rejections)
            try #require(summary.accepted == 1)
        }
        batch.received = messageIDs.count
        return batch
    }

    static func write(_ batch: IngestBatch, to writer: CopyInWriter) throws {
        try batch.events.withUnsafeBytes { try writer.write($0) }
    }
}
