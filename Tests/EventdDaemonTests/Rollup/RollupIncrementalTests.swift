@testable import EventdDaemon
import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

/// 011's incremental rollup: every run folds in only what is new and subtracts what was deleted or
/// updated, and the result equals a GROUP BY over raw events after every run — however inserts (in
/// order, late, out of order), deletes, updates, concurrent runners and killed runs interleave.
@Suite(.serialized)
struct RollupIncrementalTests {
    let settings = RollupConfig(lateWindow: .seconds(60))

    @Test func randomInsertsDeletesAndUpdatesRollUpExactlyAfterEveryRun() throws {
        try withRollupDatabase { _, connection in
            var generator = SystemRandomNumberGenerator()
            for round in 0..<8 {
                let seed = Double(round) / 20
                // In order (now), late (days back) and out of order (random times): insertRandom spreads
                // occurred_at over `within`, in random order.
                let within = ["10 minutes", "3 days", "40 days"][round % 3]
                try RollupSQL.insertRandom(connection, count: 300, within: within, seed: seed)
                if round > 0 {
                    try RollupSQL.deleteRandom(connection, fraction: 0.04, seed: seed + 0.001)
                    try RollupSQL.updateRandom(connection, fraction: 0.04, seed: seed + 0.002)
                }
                if Bool.random(using: &generator) {
                    // Rows inserted and deleted between two runs must leave no trace.
                    try RollupSQL.insertRandom(connection, count: 50, seed: seed + 0.003)
                    try RollupSQL.deleteRandom(connection, fraction: 0.02, seed: seed + 0.004)
                }
                let report = try RollupRunner.runOnce(on: connection, settings: settings)
                #expect(!report.skipped)
                #expect(try RollupSQL.mismatchCount(connection) == 0, "round \(round): rollup differs from the GROUP BY")
                #expect(try RollupSQL.memberMismatchCount(connection) == 0, "round \(round): distinct counts differ from the member sets")
            }
            let idle = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(idle.added == 0 && idle.retracted == 0 && !idle.changedAnything, "re-reading the late window counts nothing twice: \(idle)")
        }
    }

    /// 014: with every session visible, a run re-reads a margin of seconds below the watermark, not the
    /// late window (at 5,000 events/s a 15-minute window held 4.5 M rows to skip), and says so.
    @Test func aRunReReadsSecondsBelowTheWatermarkWhenEverySessionIsVisible() throws {
        try withRollupDatabase { _, connection in
            try RollupSQL.insertRandom(connection, count: 200, within: "10 minutes", seed: 0.21)
            let first = try RollupRunner.runOnce(on: connection, settings: RollupConfig(lateWindow: .seconds(15 * 60)))
            try RollupSQL.insertRandom(connection, count: 100, within: "10 minutes", seed: 0.22)
            let second = try RollupRunner.runOnce(on: connection, settings: RollupConfig(lateWindow: .seconds(15 * 60)))
            #expect(second.added == 100)
            #expect(second.rereadSeconds == 10 && second.hiddenSessions == 0, "\(second)")
            #expect(second.description.contains("re-read 10 s below the previous watermark; every session visible"))
            let shorter = try RollupRunner.runOnce(on: connection, settings: RollupConfig(lateWindow: .seconds(3)))
            #expect(shorter.rereadSeconds == 3 && shorter.added == 0)
            #expect(first.added == 200)
            #expect(try RollupSQL.mismatchCount(connection) == 0)
        }
    }

    /// An event for a bucket 40 days back costs that one event: one aggregation row per width.
    @Test func aLateEventCostsOneEvent() throws {
        try withRollupDatabase { _, connection in
            try RollupSQL.insertRandom(connection, count: 2000, within: "40 days", seed: 0.11)
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            try connection.execute("""
                INSERT INTO analytics.events (type, name, session_id, occurred_at, original_timestamp, transport)
                VALUES ('track', 'home', 's1', now() - interval '39 days', now() - interval '39 days', 'tcp')
                """)
            let report = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(report.added == 1)
            #expect(report.scopes == 3, "minute, hour and day bucket of that one event: \(report)")
            #expect(try RollupSQL.mismatchCount(connection) == 0)
        }
    }

    /// Rows inserted by the transaction that runs the rollup, before and after the run (pgTAP files
    /// and hand sessions do this): each is folded in exactly once.
    @Test func runsInsideTheInsertingTransactionFoldEachRowOnce() throws {
        try withRollupDatabase { _, connection in
            try connection.execute("BEGIN")
            try RollupSQL.insertRandom(connection, count: 200, seed: 0.21)
            let first = try RollupRunner.runOnce(on: connection, settings: settings)
            try RollupSQL.deleteRandom(connection, fraction: 0.1, seed: 0.23)
            try RollupSQL.insertRandom(connection, count: 100, seed: 0.22)
            let second = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(first.added == 200 && second.added == 100 && second.retracted > 0, "\(first) / \(second)")
            #expect(try RollupSQL.mismatchCount(connection) == 0)
            try connection.execute("COMMIT")
            try RollupSQL.insertRandom(connection, count: 50, seed: 0.24)
            let third = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(third.added == 50, "the committed rows are not folded twice: \(third)")
            #expect(try RollupSQL.mismatchCount(connection) == 0)
        }
    }

    @Test func concurrentRunnersDeletersAndUpdatersStayExact() throws {
        try withRollupDatabase { database, writer in
            let settings = self.settings
            let url = database.url
            let runners = (0..<3).map { _ in
                onThread {
                    guard let connection = try? PostgresConnection.connect(url: url) else { return }
                    defer { connection.close() }
                    for _ in 0..<8 { _ = try? RollupRunner.runOnce(on: connection, settings: settings) }
                }
            }
            let eraser = onThread {
                guard let connection = try? PostgresConnection.connect(url: url) else { return }
                defer { connection.close() }
                for round in 0..<8 {
                    try? RollupSQL.deleteRandom(connection, fraction: 0.03, seed: 0.3 + Double(round) / 100)
                    try? RollupSQL.updateRandom(connection, fraction: 0.03, seed: 0.4 + Double(round) / 100)
                }
            }
            for round in 0..<8 {
                try RollupSQL.insertRandom(writer, count: 120, seed: 0.5 + Double(round) / 100)
            }
            runners.forEach { $0.wait() }
            eraser.wait()
            _ = try RollupRunner.runOnce(on: writer, settings: settings)
            #expect(try RollupSQL.mismatchCount(writer) == 0)
            #expect(try RollupSQL.memberMismatchCount(writer) == 0)
        }
    }

    /// A run killed after it consumed the retraction log and wrote some rollups: nothing of it stays,
    /// the log entries are back, and the next run subtracts them once.
    @Test func aKilledRunLeavesDeletesForTheNextRun() throws {
        try withRollupDatabase { database, setup in
            try RollupSQL.insertRandom(setup, count: 600, seed: 0.61)
            _ = try RollupRunner.runOnce(on: setup, settings: settings)
            try RollupSQL.deleteRandom(setup, fraction: 0.2, seed: 0.62)
            try RollupSQL.insertRandom(setup, count: 100, seed: 0.63)
            let logged = try setup.query("SELECT count(*) FROM eventd.rollup_retractions").first?.int(0) ?? 0
            #expect(logged > 0)

            #expect(try killRollupRunBlockedOnMetrics(database, settings: settings, observer: setup),
                    "the run reached the events.count step and waits there")

            #expect(try setup.query("SELECT count(*) FROM eventd.rollup_retractions").first?.int(0) == logged, "the log is intact")
            let report = try RollupRunner.runOnce(on: setup, settings: settings)
            #expect(report.added == 100)
            #expect(try RollupSQL.mismatchCount(setup) == 0)
            #expect(try RollupSQL.memberMismatchCount(setup) == 0)
        }
    }

    /// Backfill: reset_rollups() and one run rebuild everything from raw events in one pass.
    @Test func resetThenOneRunRebuildsEverything() throws {
        try withRollupDatabase { _, connection in
            try RollupSQL.insertRandom(connection, count: 1500, within: "300 days", seed: 0.71)
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            let before = try RollupSQL.totals(connection)
            _ = try connection.query("SELECT analytics.reset_rollups()")
            #expect(try connection.query("SELECT count(*) FROM analytics.event_aggregations").first?.int(0) == 0)
            let rebuild = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(rebuild.added == 1500)
            #expect(try RollupSQL.totals(connection) == before)
            #expect(try RollupSQL.mismatchCount(connection) == 0)
        }
    }
}
