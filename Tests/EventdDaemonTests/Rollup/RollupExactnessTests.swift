@testable import EventdDaemon
import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

/// `eventd rollup --once`'s code path (`RollupRunner.runOnce`) against a real PostgreSQL: the rollup
/// equals a GROUP BY over raw events however runs, arrivals, crashes and instances interleave.
@Suite(.serialized)
struct RollupExactnessTests {
    let settings = RollupConfig(lateWindow: .seconds(60))

    @Test func randomLateAndOutOfOrderEventsRollUpExactly() throws {
        try withTestDatabase(prefix: "eventd_rollup_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            for round in 0..<4 {
                // Each round: fresh events spread over three days (late relative to earlier rounds' buckets).
                try RollupSQL.insertRandom(connection, count: 400, within: round == 3 ? "40 days" : "3 days", seed: Double(round) / 10)
                let report = try RollupRunner.runOnce(on: connection, settings: settings)
                #expect(!report.skipped)
                #expect(try RollupSQL.mismatchCount(connection) == 0, "round \(round): rollup differs from the GROUP BY")
            }
        }
    }

    @Test func secondOnceRunChangesNothing() throws {
        try withTestDatabase(prefix: "eventd_rollup_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            try RollupSQL.insertRandom(connection, count: 500, seed: 0.3)
            let first = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(first.changedAnything)
            let fingerprint = "SELECT md5(string_agg(a::text, '|' ORDER BY a.id)) FROM analytics.event_aggregations a"
            let before = try connection.query(fingerprint).first?[0]
            let second = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(!second.changedAnything, "second run: \(second)")
            #expect(try connection.query(fingerprint).first?[0] == before, "no row was rewritten (updated_at included)")
            #expect(second.description.contains("0 aggregation row(s) upserted"))
        }
    }

    @Test func runKilledHalfwayThenRerunGivesTheSameTotals() throws {
        try withTestDatabase(prefix: "eventd_rollup_test") { database in
            let setup = try database.connect()
            defer { setup.close() }
            try RollupSQL.insertRandom(setup, count: 600, seed: 0.5)

            // A blocker holds analytics.metrics, so the run stops after it has written event_aggregations.
            #expect(try killRollupRunBlockedOnMetrics(database, settings: settings, observer: setup),
                    "the run reached the metrics step and waits there")

            #expect(try setup.query("SELECT count(*) FROM analytics.event_aggregations").first?.int(0) == 0,
                    "the killed run left nothing behind")
            #expect(try setup.query("SELECT count(*) FROM eventd.rollup_state WHERE watermark > '-infinity'").first?.int(0) == 0,
                    "nor moved the watermark")
            _ = try RollupRunner.runOnce(on: setup, settings: settings)
            #expect(try RollupSQL.mismatchCount(setup) == 0)
        }
    }

    @Test func concurrentRunnersGiveTheSameTotalsAsOne() throws {
        try withTestDatabase(prefix: "eventd_rollup_test") { database in
            let writer = try database.connect()
            defer { writer.close() }
            let settings = self.settings
            let url = database.url
            let skipped = Counter()
            // Four "instances" roll up in a loop while events keep arriving.
            let runners = (0..<4).map { _ in
                onThread {
                    guard let connection = try? PostgresConnection.connect(url: url) else { return }
                    defer { connection.close() }
                    for _ in 0..<6 {
                        if let report = try? RollupRunner.runOnce(on: connection, settings: settings), report.skipped { skipped.add() }
                    }
                }
            }
            for round in 0..<6 {
                try RollupSQL.insertRandom(writer, count: 150, seed: 0.6 + Double(round) / 100)
            }
            runners.forEach { $0.wait() }
            _ = try RollupRunner.runOnce(on: writer, settings: settings)
            #expect(try RollupSQL.mismatchCount(writer) == 0)
            let concurrent = try RollupSQL.totals(writer)

            // The same data rolled up from scratch by a single runner gives the same totals.
            _ = try writer.query("SELECT analytics.reset_rollups()")
            _ = try RollupRunner.runOnce(on: writer, settings: settings)
            #expect(try RollupSQL.totals(writer) == concurrent)
        }
    }

    @Test func aSecondInstanceSkipsWhileTheLockIsHeld() throws {
        try withTestDatabase(prefix: "eventd_rollup_test") { database in
            let holder = try database.connect()
            defer { holder.close() }
            try holder.execute("BEGIN")
            _ = try holder.query("SELECT pg_advisory_xact_lock(hashtext('analytics.run_rollups'))")
            let other = try database.connect()
            defer { other.close() }
            let report = try RollupRunner.runOnce(on: other, settings: settings)
            #expect(report.skipped)
            #expect(report.description.contains("skipped"))
            try holder.execute("ROLLBACK")
            #expect(try !RollupRunner.runOnce(on: other, settings: settings).skipped)
        }
    }

    /// The watermark scheme's reason to exist: a COPY that started before a run and commits after it
    /// holds rows whose created_at is older than that run's now(). Those rows must still be counted,
    /// even with no late window at all.
    @Test func rowsOfATransactionOpenDuringARunAreCountedAfterItCommits() throws {
        try withTestDatabase(prefix: "eventd_rollup_test") { database in
            let copy = try database.connect()
            defer { copy.close() }
            let runner = try database.connect()
            defer { runner.close() }
            let noLateWindow = RollupConfig(lateWindow: .zero)

            try copy.execute("BEGIN")
            let started = try copy.query("SELECT now()::text").first?[0] ?? ""
            try RollupSQL.insertRandom(copy, count: 200, within: "2 hours", seed: 0.7)
            Thread.sleep(forTimeInterval: 0.05)

            _ = try RollupRunner.runOnce(on: runner, settings: noLateWindow)
            let held = try runner.query("SELECT watermark <= $1::timestamptz FROM eventd.rollup_state", [started]).first?.bool(0)
            #expect(held == true, "the watermark stops at the open transaction's start")

            try copy.execute("COMMIT")
            _ = try RollupRunner.runOnce(on: runner, settings: noLateWindow)
            #expect(try RollupSQL.mismatchCount(runner) == 0, "the late-committed rows are in the rollup")
            #expect(try runner.query("SELECT sum(event_count) FROM analytics.event_aggregations WHERE bucket_width = 'day'").first?.int(0) == 200)
        }
    }

    /// 009's per-(hour, type) totals with two writers of the same hour at once (rollup retention or a
    /// hand edit beside a run): the second waits for the first's commit, then sums both rows.
    @Test func twoWritersOfOneHourKeepTheHourTotalsExact() throws {
        try withTestDatabase(prefix: "eventd_rollup_test") { database in
            let first = try database.connect()
            defer { first.close() }
            let url = database.url
            let hourRow = """
                INSERT INTO analytics.event_aggregations (bucket_width, bucket_start, type, name, transport, event_count)
                VALUES ('hour', date_trunc('hour', now(), 'UTC'), 'track', $1, 'tcp', $2::bigint)
                """
            try first.execute("BEGIN")
            _ = try first.query(hourRow, ["first", "5"])
            let second = onThread {
                guard let connection = try? PostgresConnection.connect(url: url) else { return }
                defer { connection.close() }
                _ = try? connection.query(hourRow, ["second", "7"])
            }
            #expect(try waitUntil(first, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"),
                    "the second writer waits for the first")
            try first.execute("COMMIT")
            second.wait()
            #expect(try first.query("SELECT count(*), sum(events) FROM analytics.event_hour_type_totals").first?.values == ["1", "12"])
        }
    }
}

/// A thread-safe tally for the concurrent test.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}
