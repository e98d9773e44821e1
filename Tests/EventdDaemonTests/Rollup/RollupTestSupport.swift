@testable import EventdDaemon
import EventdPostgres
import Foundation
@testable import EventdTesting

/// SQL the rollup tests share: random events, and the rollup's distance from a GROUP BY over raw events.
enum RollupSQL {
    /// Inserts `$1` random events with occurred_at up to `$2` back (late, out of order: the insert order
    /// is random in time), NULL dimensions, and string values that must be ignored.
    static let insertRandomEvents = """
        INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties, transport, country, device_type)
        SELECT (ARRAY['page_view', 'user_action', 'conversion', 'track']::analytics.event_type[])[1 + floor(random() * 4)::int],
               (ARRAY['home', 'pricing', 'signup', 'checkout'])[1 + floor(random() * 4)::int],
               CASE WHEN random() < 0.9 THEN 's' || floor(random() * 30)::int END,
               CASE WHEN random() < 0.5 THEN 'u' || floor(random() * 15)::int END,
               t + make_interval(secs => floor(random() * 3)::int), t,
               CASE floor(random() * 4)::int WHEN 0 THEN '{"value": 2.5}' WHEN 1 THEN '{"revenue": 9.99, "value": 1}'
                                             WHEN 2 THEN '{"value": "7"}' ELSE '{}' END::jsonb,
               (ARRAY['tcp', 'udp', 'http']::analytics.transport[])[1 + floor(random() * 3)::int],
               (ARRAY['US', 'DE', NULL])[1 + floor(random() * 3)::int],
               (ARRAY['desktop', 'mobile', NULL])[1 + floor(random() * 3)::int]
        FROM (SELECT now() - random() * $2::interval AS t FROM generate_series(1, $1::int)) g
        """

    /// Rows in the symmetric difference between the rollups (event_aggregations, events.count, and the
    /// per-(hour, type) totals of 009) and a GROUP BY over analytics.events.
    static let mismatches = """
        WITH expected AS (
            SELECT w.w AS bucket_width, date_trunc(w.w::text, e.occurred_at, 'UTC') AS bucket_start, e.type, e.name, e.transport,
                   e.country, e.device_type, count(*) AS event_count, count(DISTINCT e.session_id) AS distinct_sessions,
                   count(DISTINCT e.user_id) AS distinct_users,
                   coalesce(sum((e.properties ->> 'value')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'value') = 'number'), 0) AS value_sum,
                   coalesce(sum((e.properties ->> 'revenue')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'revenue') = 'number'), 0) AS revenue_sum
            FROM analytics.events e CROSS JOIN unnest(enum_range(NULL::analytics.bucket_width)) AS w(w)
            GROUP BY 1, 2, 3, 4, 5, 6, 7
        ), actual AS (
            SELECT bucket_width, bucket_start, type, name, transport, country, device_type, event_count, distinct_sessions,
                   distinct_users, value_sum, revenue_sum FROM analytics.event_aggregations
        ), expected_hours AS (
            SELECT bucket_start, type, sum(event_count)::bigint, sum(value_sum), sum(revenue_sum)
            FROM expected WHERE bucket_width = 'hour' GROUP BY 1, 2
        ), actual_hours AS (
            SELECT hour, type, events, value_sum, revenue_sum FROM analytics.event_hour_type_totals
        )
        SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) x)
             + (SELECT count(*) FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) y)
             + (SELECT count(*) FROM (SELECT 'events.count', bucket_width, bucket_start, sum(event_count)::numeric FROM expected GROUP BY 2, 3
                                      EXCEPT ALL SELECT metric_name, bucket_width, bucket_start, value FROM analytics.metrics
                                      WHERE metric_name = 'events.count') z)
             + (SELECT count(*) FROM (SELECT * FROM expected_hours EXCEPT ALL SELECT * FROM actual_hours) h)
             + (SELECT count(*) FROM (SELECT * FROM actual_hours EXCEPT ALL SELECT * FROM expected_hours) g)
        """

    /// Totals that must not depend on how runs were interleaved.
    static let totals = """
        SELECT bucket_width::text, sum(event_count), sum(distinct_sessions), sum(value_sum), count(*)
        FROM analytics.event_aggregations GROUP BY 1 ORDER BY 1
        """

    static func insertRandom(_ connection: PostgresConnection, count: Int, within: String = "3 days", seed: Double) throws {
        // Two statements: setseed, then the insert; query() takes one statement with parameters.
        _ = try connection.query("SELECT setseed($1::float8)", [String(seed)])
        _ = try connection.query(insertRandomEvents, [String(count), within])
    }

    /// Deletes about `$1` of all events (an erasure, a correction).
    static let deleteRandomEvents = "DELETE FROM analytics.events WHERE random() < $1::float8"

    /// Updates about `$1` of all events: moves them to another minute, session, name or value.
    static let updateRandomEvents = """
        UPDATE analytics.events
        SET occurred_at = CASE WHEN random() < 0.5 THEN occurred_at - make_interval(mins => floor(random() * 600)::int) ELSE occurred_at END,
            session_id = CASE WHEN random() < 0.5 THEN 's' || floor(random() * 30)::int ELSE session_id END,
            name = CASE WHEN random() < 0.3 THEN 'corrected' ELSE name END,
            properties = CASE WHEN random() < 0.5 THEN '{"value": 4, "revenue": 1.5}'::jsonb ELSE properties END
        WHERE random() < $1::float8
        """

    static func deleteRandom(_ connection: PostgresConnection, fraction: Double, seed: Double) throws {
        _ = try connection.query("SELECT setseed($1::float8)", [String(seed)])
        _ = try connection.query(deleteRandomEvents, [String(fraction)])
    }

    static func updateRandom(_ connection: PostgresConnection, fraction: Double, seed: Double) throws {
        _ = try connection.query("SELECT setseed($1::float8)", [String(seed)])
        _ = try connection.query(updateRandomEvents, [String(fraction)])
    }

    /// Aggregation rows of every width whose distinct counts differ from their member sets (011; minute
    /// buckets again since 016), plus member rows whose aggregation row is gone.
    static let memberMismatches = """
        SELECT (SELECT count(*) FROM analytics.event_aggregations a
                WHERE (a.distinct_sessions, a.distinct_users) IS DISTINCT FROM
                      ((SELECT count(*) FROM analytics.event_aggregation_members m WHERE m.aggregation_id = a.id AND m.kind = 's'),
                       (SELECT count(*) FROM analytics.event_aggregation_members m WHERE m.aggregation_id = a.id AND m.kind = 'u')))
             + (SELECT count(*) FROM analytics.event_aggregation_members m
                WHERE NOT EXISTS (SELECT 1 FROM analytics.event_aggregations a
                                  WHERE a.id = m.aggregation_id))
        """

    static func mismatchCount(_ connection: PostgresConnection) throws -> Int {
        try connection.query(mismatches).first?.int(0) ?? -1
    }

    static func memberMismatchCount(_ connection: PostgresConnection) throws -> Int {
        try connection.query(memberMismatches).first?.int(0) ?? -1
    }

    static func totals(_ connection: PostgresConnection) throws -> [[String?]] {
        try connection.query(totals).map(\.values)
    }
}

/// Runs `body` on a thread of its own (blocking libpq work off the test's cooperative pool) and
/// returns a way to wait for it.
func onThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    Thread {
        body()
        done.signal()
    }.start()
    return done
}

/// A migrated database and a connection to it for one rollup test, dropped afterwards even when `body`
/// throws.
func withRollupDatabase(_ body: (TestDatabase, PostgresConnection) throws -> Void) throws {
    try withTestDatabase(prefix: "eventd_rollup_test") { database in
        let connection = try database.connect()
        defer { connection.close() }
        try body(database, connection)
    }
}

/// Polls `sql` (a count) on `connection` until it is positive or `timeout` passes.
func waitUntil(_ connection: PostgresConnection, _ sql: String, timeout: Duration = .seconds(20)) throws -> Bool {
    let deadline = TestTimeout.deadline(after: timeout)
    while ContinuousClock.now < deadline {
        if try connection.query(sql).first?.int(0) ?? 0 > 0 { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return false
}

/// Starts a rollup run on a connection of its own while another session holds `analytics.metrics`
/// (the run's last write), waits until the run blocks there -- past the scan and the event_aggregations
/// writes -- and terminates it.  Returns whether the run was seen waiting.
func killRollupRunBlockedOnMetrics(_ database: TestDatabase, settings: RollupConfig, observer: PostgresConnection) throws -> Bool {
    let blocker = try database.connect()
    defer { blocker.close() }
    try blocker.execute("BEGIN")
    try blocker.execute("LOCK TABLE analytics.metrics IN ACCESS EXCLUSIVE MODE")
    let url = database.url
    let finished = onThread {
        guard let runner = try? PostgresConnection.connect(url: url) else { return }
        defer { runner.close() }
        _ = try? runner.query("SET application_name = 'killed_rollup'")
        _ = try? RollupRunner.runOnce(on: runner, settings: settings)
    }
    let waiting = try waitUntil(observer, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'killed_rollup' AND wait_event_type = 'Lock'")
    _ = try observer.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'killed_rollup'")
    finished.wait()
    try blocker.execute("ROLLBACK")
    return waiting
}

extension RollupConfig {
    /// The defaults with another late window, for runs that need rows to count as late sooner.
    init(lateWindow: Duration) {
        self.init()
        self.lateWindow = lateWindow
    }
}
