@testable import EventdDaemon
import EventdMigrations
import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

/// 016: minute buckets keep member sets again and merge the new rows' members instead of recounting the
/// touched minutes from raw events.  The ways a minute member set could go wrong that an hour's rarely
/// shows: a late event into an old minute, a delete of a minute's only event of a member, an update that
/// moves an event from one minute to the next.  After every run the rollup equals a GROUP BY over raw
/// events and every bucket's distinct counts equal its member set.
@Suite(.serialized)
struct RollupMinuteMembersTests {
    let settings = RollupConfig(lateWindow: .seconds(60))

    /// Events packed into a few minutes with few sessions and users, so members go 0 → n and back to 0
    /// within a minute bucket all the time.  `$1` events, occurred_at within the `$2` minutes before
    /// `now() - $3 minutes` (late when $3 is large).
    static let insertDense = """
        INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, transport, country, device_type)
        SELECT 'track', (ARRAY['home', 'pricing'])[1 + floor(random() * 2)::int],
               CASE WHEN random() < 0.9 THEN 's' || floor(random() * 6)::int END,
               CASE WHEN random() < 0.5 THEN 'u' || floor(random() * 4)::int END,
               t, t, 'tcp', (ARRAY['US', NULL])[1 + floor(random() * 2)::int], 'mobile'
        FROM (SELECT now() - make_interval(mins => $3::int) - random() * make_interval(mins => $2::int) AS t
              FROM generate_series(1, $1::int)) g
        """

    /// Moves about `$1` of the events one or two minutes earlier or later, some to another session.
    static let moveBetweenMinutes = """
        UPDATE analytics.events
        SET occurred_at = occurred_at + make_interval(mins => (ARRAY[-2, -1, 1, 2])[1 + floor(random() * 4)::int]),
            session_id = CASE WHEN random() < 0.3 THEN 's' || floor(random() * 6)::int ELSE session_id END
        WHERE random() < $1::float8
        """

    func insertDense(_ connection: PostgresConnection, count: Int, minutes: Int, back: Int, seed: Double) throws {
        _ = try connection.query("SELECT setseed($1::float8)", [String(seed)])
        _ = try connection.query(Self.insertDense, [String(count), String(minutes), String(back)])
    }

    func expectExact(_ connection: PostgresConnection, _ what: String) throws {
        #expect(try RollupSQL.mismatchCount(connection) == 0, "\(what): rollup differs from the GROUP BY")
        #expect(try RollupSQL.memberMismatchCount(connection) == 0, "\(what): distinct counts differ from the member sets")
    }

    @Test func denseMinutesWithLateEventsDeletesAndMovesStayExactAfterEveryRun() throws {
        try withRollupDatabase { _, connection in
            for round in 0..<10 {
                let seed = Double(round) / 30
                // In order (the last 3 minutes), late into minutes already folded (an hour and a day back).
                try insertDense(connection, count: 150, minutes: 3, back: [0, 60, 24 * 60][round % 3], seed: seed)
                if round > 0 {
                    try RollupSQL.deleteRandom(connection, fraction: 0.08, seed: seed + 0.001)
                    _ = try connection.query("SELECT setseed($1::float8)", [String(seed + 0.002)])
                    _ = try connection.query(Self.moveBetweenMinutes, ["0.08"])
                }
                let report = try RollupRunner.runOnce(on: connection, settings: settings)
                #expect(!report.skipped)
                try expectExact(connection, "round \(round)")
            }
            let minuteMembers = try connection.query("""
                SELECT count(*) FROM analytics.event_aggregation_members m
                JOIN analytics.event_aggregations a ON a.id = m.aggregation_id WHERE a.bucket_width = 'minute'
                """).first?.int(0) ?? 0
            #expect(minuteMembers > 0, "minute buckets keep member sets")
        }
    }

    /// A minute bucket whose only event of a session is deleted loses that session; when its last event
    /// goes, the bucket and its member rows go too.
    @Test func deletingAMinutesOnlyEventOfAMemberRemovesTheMember() throws {
        try withRollupDatabase { _, connection in
            try connection.execute("""
                INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, transport)
                SELECT 'track', 'home', s, u, date_trunc('minute', now()) - interval '5 minutes' + interval '10 seconds',
                       now() - interval '5 minutes', 'tcp'
                FROM (VALUES ('s1', 'u1'), ('s2', NULL)) v(s, u)
                """)
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            let minute = "bucket_width = 'minute' AND type = 'track' AND name = 'home'"
            #expect(try connection.query("SELECT distinct_sessions, distinct_users FROM analytics.event_aggregations WHERE \(minute)")
                .first?.values == ["2", "1"])
            try connection.execute("DELETE FROM analytics.events WHERE session_id = 's1'")
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(try connection.query("SELECT distinct_sessions, distinct_users FROM analytics.event_aggregations WHERE \(minute)")
                .first?.values == ["1", "0"])
            try expectExact(connection, "after the first delete")
            try connection.execute("DELETE FROM analytics.events WHERE session_id = 's2'")
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(try connection.query("SELECT count(*) FROM analytics.event_aggregations").first?.int(0) == 0)
            #expect(try connection.query("SELECT count(*) FROM analytics.event_aggregation_members").first?.int(0) == 0)
        }
    }

    /// An update that moves a session's only event in one minute into the next minute, where the session
    /// already has an event: the first minute loses the session, the second keeps one member with 2 events.
    @Test func anUpdateMovingAnEventToTheNextMinuteMovesItsMember() throws {
        try withRollupDatabase { _, connection in
            try connection.execute("""
                INSERT INTO analytics.events (type, name, session_id, occurred_at, original_timestamp, transport)
                SELECT 'track', 'home', s, date_trunc('minute', now()) - make_interval(mins => m) + interval '5 seconds',
                       now() - interval '10 minutes', 'tcp'
                FROM (VALUES ('s1', 8), ('s1', 7), ('s2', 8)) v(s, m)
                """)
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            try connection.execute("""
                UPDATE analytics.events SET occurred_at = occurred_at + interval '1 minute'
                WHERE session_id = 's1' AND occurred_at < date_trunc('minute', now()) - interval '7 minutes'
                """)
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            let buckets = try connection.query("""
                SELECT a.distinct_sessions, a.event_count,
                       (SELECT string_agg(m.member || ':' || m.events, ',' ORDER BY m.member)
                        FROM analytics.event_aggregation_members m WHERE m.aggregation_id = a.id)
                FROM analytics.event_aggregations a WHERE a.bucket_width = 'minute' ORDER BY a.bucket_start
                """).map(\.values)
            #expect(buckets == [["1", "1", "s2:1"], ["1", "2", "s1:2"]], "\(buckets)")
            try expectExact(connection, "after the move")
        }
    }

    /// A late event into a minute folded long ago writes one member row per width for a new member and
    /// none for a member the minute already has: it costs itself, not its minute.
    @Test func aLateEventIntoAnOldMinuteMergesOnlyItsOwnMembers() throws {
        try withRollupDatabase { _, connection in
            try insertDense(connection, count: 400, minutes: 1, back: 3 * 24 * 60, seed: 0.7)
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            let before = try connection.query("SELECT count(*) FROM analytics.event_aggregation_members").first?.int(0) ?? 0
            try connection.execute("""
                INSERT INTO analytics.events (type, name, session_id, occurred_at, original_timestamp, transport, country, device_type)
                SELECT 'track', 'home', 'late-session', e.occurred_at, now(), 'tcp', 'US', 'mobile'
                FROM analytics.events e WHERE e.country = 'US' AND e.name = 'home' ORDER BY e.occurred_at LIMIT 1
                """)
            let report = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(report.added == 1 && report.scopes == 3, "\(report)")
            let after = try connection.query("SELECT count(*) FROM analytics.event_aggregation_members").first?.int(0) ?? 0
            #expect(after - before == 3, "one new session member per width")
            try expectExact(connection, "after the late event")
        }
    }

    /// The upgrade from 015: minute buckets written without member sets are rebuilt by the next run (a
    /// backfill), after which increments merge into complete sets. Until that run commits, the rollups 015
    /// wrote stay readable: the migration does not empty the dashboards.
    @Test func theUpgradeRebuildsMinuteBucketsWithMemberSets() throws {
        try withTestDatabase(prefix: "eventd_rollup_test", migrated: false) { database in
            let connection = try database.connect()
            defer { connection.close() }
            let before016 = Migrations.bundled.filter { $0.version < 16 }
            try MigrationRunner(connection: connection, migrations: before016).apply()
            try RollupSQL.insertRandom(connection, count: 400, within: "2 days", seed: 0.81)
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            let aggregatesBefore = try connection.query(
                "SELECT count(*), sum(event_count) FROM analytics.event_aggregations").rows.first?.values
            try MigrationRunner(connection: connection).apply()
            let aggregatesAfter = try connection.query(
                "SELECT count(*), sum(event_count) FROM analytics.event_aggregations").rows.first?.values
            #expect(aggregatesAfter == aggregatesBefore && aggregatesBefore?.first != "0",
                    "016 leaves 015's rollups in place until the backfill: \(String(describing: aggregatesAfter))")
            try RollupSQL.insertRandom(connection, count: 100, within: "2 days", seed: 0.82)
            let rebuild = try RollupRunner.runOnce(on: connection, settings: settings)
            #expect(rebuild.added == 500, "the first run after the upgrade is a backfill: \(rebuild)")
            try expectExact(connection, "after the upgrade's backfill")
            try RollupSQL.insertRandom(connection, count: 100, within: "2 days", seed: 0.83)
            try RollupSQL.deleteRandom(connection, fraction: 0.05, seed: 0.84)
            _ = try RollupRunner.runOnce(on: connection, settings: settings)
            try expectExact(connection, "after an incremental run")
        }
    }
}
