@testable import EventdDaemon
@testable import EventdTesting
import EventdPostgres
import Foundation
import Testing

/// `run_rollups` is SECURITY DEFINER: it sees in `pg_stat_activity` what its owner sees. An owner that
/// is neither a superuser nor a member of `pg_read_all_stats` sees other roles' sessions without their
/// `xact_start`, so it cannot stop the watermark at the start of their open transactions (006/014). It
/// then holds the watermark `late_window` behind now() instead, and a hidden transaction younger than
/// that still has its rows found once it commits. The other rollup tests run as a superuser owner,
/// which sees everything; here the functions belong to a role of our own that does not.
@Suite(.serialized)
struct RollupHiddenSessionTests {
    @Test func aHiddenSessionHoldsTheWatermarkLateWindowBehindNowAndItsRowsCountAfterCommit() throws {
        try withRollupDatabase { database, connection in
            let owner = "eventd_rollup_owner_\(UInt32.random(in: 0...UInt32.max))"
            // What a non-superuser migration owner has (002 makes the owner an eventd_admin; the rollup
            // tables are granted to service_role), and nothing that reveals other sessions.
            try connection.execute("CREATE ROLE \(owner) NOLOGIN NOSUPERUSER INHERIT IN ROLE eventd_admin, service_role")
            defer {
                _ = try? connection.execute("DROP OWNED BY \(owner)")
                _ = try? connection.execute("DROP ROLE \(owner)")
            }
            try connection.execute("ALTER FUNCTION analytics.run_rollups(interval, analytics.bucket_width[]) OWNER TO \(owner)")
            try connection.execute(
                "GRANT EXECUTE ON FUNCTION analytics.rollup_backfill(analytics.bucket_width[], bigint, timestamptz) TO \(owner)")
            let lateWindow = RollupConfig(lateWindow: .seconds(60))

            try RollupSQL.insertRandom(connection, count: 200, within: "10 minutes", seed: 0.41)
            let first = try RollupRunner.runOnce(on: connection, settings: lateWindow)
            #expect(first.added == 200 && first.hiddenSessions == 0, "\(first)")
            // Earlier than one late window ago, so the next run's watermark shows the hold itself
            // (watermark = greatest(previous, now() - late_window)). Lowering it only widens the re-read.
            try connection.execute("UPDATE eventd.rollup_state SET watermark = watermark - interval '1 hour'")

            // A transaction of another role (this test's superuser, hidden from the owner) that inserts
            // and stays open across a run.
            let hidden = try database.connect()
            var hiddenOpen = true
            defer { if hiddenOpen { hidden.close() } }
            try hidden.execute("BEGIN")
            let hiddenStart = try hidden.query("SELECT now()::text").first?[0] ?? ""
            try RollupSQL.insertRandom(hidden, count: 100, within: "10 minutes", seed: 0.42)

            try connection.execute("BEGIN")  // one now() for the run and the checks below
            let runNow = try connection.query("SELECT now()::text").first?[0] ?? ""
            let held = try RollupRunner.runOnce(on: connection, settings: lateWindow)
            let watermark = try connection.query(
                "SELECT watermark = $1::timestamptz - interval '60 seconds', watermark <= $2::timestamptz FROM eventd.rollup_state",
                [runNow, hiddenStart]).first
            try connection.execute("COMMIT")
            #expect(held.hiddenSessions == 1 && held.added == 0, "\(held)")
            #expect(held.description.contains("1 session(s) hidden from the rollup role"), "\(held.description)")
            #expect(try watermark?.bool(0) == true, "the watermark is now() - late_window, not now()")
            #expect(try watermark?.bool(1) == true, "the watermark is at or below the hidden transaction's start")

            try hidden.execute("COMMIT")
            let hiddenPID = try hidden.query("SELECT pg_backend_pid()").first?[0] ?? ""
            hidden.close()
            hiddenOpen = false
            // A closed connection's backend leaves pg_stat_activity a moment later; until then it is still
            // a hidden session, and the run below would rightly hold the watermark for it.
            try waitUntilGone(backend: hiddenPID, on: connection)
            let after = try RollupRunner.runOnce(on: connection, settings: lateWindow)
            #expect(after.added == 100 && after.hiddenSessions == 0, "the hidden rows are folded in once: \(after)")
            #expect(try RollupSQL.mismatchCount(connection) == 0)
            #expect(try RollupSQL.memberMismatchCount(connection) == 0)
            let idle = try RollupRunner.runOnce(on: connection, settings: lateWindow)
            #expect(idle.added == 0 && !idle.changedAnything, "\(idle)")
        }
    }

    private func waitUntilGone(backend pid: String, on connection: PostgresConnection) throws {
        for _ in 0..<200 {
            let left = try connection.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", [pid]).first?[0]
            if left == "0" { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("backend \(pid) was still in pg_stat_activity after 10 s")
    }
}
