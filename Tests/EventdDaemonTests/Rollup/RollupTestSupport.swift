@testable import EventdDaemon
import EventdPostgres
import Foundation

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

    static func mismatchCount(_ connection: PostgresConnection) throws -> Int {
        try connection.query(mismatches).first?.int(0) ?? -1
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
