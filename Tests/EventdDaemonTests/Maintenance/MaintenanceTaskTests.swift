@testable import EventdDaemon
import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

/// Each maintenance task's effect, run through `MaintenanceRunner.runOnce` — the code path of
/// `eventd maintain --once` — against a real PostgreSQL.
@Suite(.serialized)
struct MaintenanceTaskTests {
    @Test func partitionsAreCreatedAheadAndDroppedPastRetention() throws {
        try withTestDatabase(prefix: "eventd_maintenance_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            // History older than the retention, in its own daily partitions, plus a row just inside it.
            _ = try connection.query("SELECT analytics.ensure_event_partitions(101, 0)")
            try connection.execute("""
                INSERT INTO analytics.events (type, name, original_timestamp, occurred_at) VALUES
                    ('track', 'too_old', now() - interval '100 days', now() - interval '100 days'),
                    ('track', 'inside', now() - interval '89 days', now() - interval '89 days')
                """)
            let settings = MaintenanceSettings { $0.partitionsAheadDays = 20 }
            let lines = try MaintenanceRunner.runOnce(on: connection, settings: settings,
                                                      tasks: [.ensurePartitions, .cleanupOldData])
            #expect(lines.map(\.task) == [.ensurePartitions, .cleanupOldData])
            #expect(lines[0].description.hasPrefix("ensure_event_partitions: 13 daily partition(s) created"), "\(lines[0])")
            #expect(lines[1].description.contains("analytics.events partitions dropped"), "\(lines[1])")

            let ahead = try connection.query("""
                SELECT to_regclass(format('analytics.events_p%s', to_char((now() AT TIME ZONE 'UTC')::date + 20, 'YYYYMMDD'))) IS NOT NULL
                """).first?.bool(0)
            #expect(ahead == true, "a partition 20 days ahead exists")
            let oldPartition = try connection.query("""
                SELECT to_regclass(format('analytics.events_p%s', to_char((now() AT TIME ZONE 'UTC')::date - 100, 'YYYYMMDD'))) IS NOT NULL
                """).first?.bool(0)
            #expect(oldPartition == false, "the partition 100 days back was dropped")
            let names = try connection.query("SELECT name FROM analytics.events WHERE name IN ('too_old', 'inside')").map { $0[0] }
            #expect(names == ["inside"])
        }
    }

    @Test func idleOnboardingSessionsAreAbandoned() throws {
        try withTestDatabase(prefix: "eventd_maintenance_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            try connection.execute("""
                INSERT INTO onboarding.sessions (session_token, started_at, last_activity_at) VALUES
                    ('sess_idle_three_hours', now() - interval '3 hours', now() - interval '3 hours'),
                    ('sess_idle_one_hour', now() - interval '1 hour', now() - interval '1 hour')
                """)
            let lines = try MaintenanceRunner.runOnce(on: connection, settings: MaintenanceSettings { $0.abandonAfter = .seconds(7_200) },
                                                      tasks: [.abandonInactiveSessions])
            #expect(lines.first?.description == "abandon_inactive_sessions: 1 onboarding session(s) abandoned (idle > 2h)")
            let states = try connection.query("SELECT session_token, status::text FROM onboarding.sessions ORDER BY 1").map { [$0[0], $0[1]] }
            #expect(states == [["sess_idle_one_hour", "in_progress"], ["sess_idle_three_hours", "abandoned"]])
        }
    }

    @Test func processPendingEventsRollsUpExactly() throws {
        try withTestDatabase(prefix: "eventd_maintenance_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            try RollupSQL.insertRandom(connection, count: 300, seed: 0.9)
            try connection.execute("""
                INSERT INTO marketing.leads (email, source, status, company_name) VALUES ('a@example.com', 'referral', 'new', 'A'),
                    ('b@example.com', 'referral', 'new', 'B'), ('c@example.com', 'api', 'qualified', 'C')
                """)
            let lines = try MaintenanceRunner.runOnce(on: connection, settings: MaintenanceSettings(), tasks: [.processPendingEvents])
            #expect(lines.first?.description.hasPrefix("process_pending_events: ") == true)
            #expect(try RollupSQL.mismatchCount(connection) == 0)
            let funnel = try connection.query("SELECT source, status, count FROM analytics.lead_funnel_30d ORDER BY 1, 2").map(\.values)
            #expect(funnel == [["api", "qualified", "1"], ["referral", "new", "2"]])
        }
    }

    @Test func rollupsPastTheirRetentionAreDropped() throws {
        try withTestDatabase(prefix: "eventd_maintenance_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            try connection.execute("""
                INSERT INTO analytics.event_aggregations (bucket_width, bucket_start, type, name, transport, event_count) VALUES
                    ('day', date_trunc('day', now() - interval '800 days'), 'track', 'ancient', 'sql', 1),
                    ('day', date_trunc('day', now() - interval '100 days'), 'track', 'kept', 'sql', 1)
                """)
            let lines = try MaintenanceRunner.runOnce(on: connection, settings: MaintenanceSettings(), tasks: [.dropOldRollups])
            #expect(lines.first?.description == "drop_old_rollups: 1 aggregation and 0 metric row(s) removed (retention 730d)")
            #expect(try connection.query("SELECT name FROM analytics.event_aggregations").map { $0[0] } == ["kept"])
        }
    }

    @Test func everyTaskRunsOnceAndReportsOneLine() throws {
        try withTestDatabase(prefix: "eventd_maintenance_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            let lines = try MaintenanceRunner.runOnce(on: connection, settings: MaintenanceSettings())
            #expect(lines.map(\.task) == MaintenanceTask.daily + MaintenanceTask.frequent)
            #expect(lines.allSatisfy { !$0.description.contains("\n") })
        }
    }
}
