import EventdMigrations
import EventdPostgres
import Testing
@testable import EventdTesting

/// The real SQL files. These fail while Sources/EventdMigrations/SQL is incomplete; find them with
/// `swift test --filter BundledMigrationsTests`.
@Suite("Bundled migrations", .tags(.bundledSQL))
struct BundledMigrationsTests {
    /// The 11 business tables of the schema spec (5 schemas).
    static let businessTables = [
        "marketing.leads", "marketing.lead_interactions",
        "onboarding.sessions", "onboarding.step_activities",
        "analytics.events", "analytics.metrics", "analytics.event_aggregations",
        "experiments.experiments", "experiments.assignments",
        "whatsapp.accounts", "whatsapp.templates",
    ]

    @Test func bundleHoldsTheMigrationFilesInOrder() {
        #expect(Migrations.bundled.map(\.fileName) == [
            "001_initial_schema.sql", "002_rls_policies.sql", "003_performance_indexes.sql",
            "004_functions_triggers.sql", "005_seed_data.sql", "006_rollups.sql", "007_lead_email_lookup.sql",
            "008_rejected_events_idempotency.sql",
            "009_hourly_type_rollup.sql", "010_security_hardening.sql", "011_incremental_rollups.sql",
            "012_rollup_storage.sql",
            "013_console_reader.sql",
            "014_rollup_lag.sql",
            "015_rollup_backfill.sql",
            "016_minute_members.sql",
        ])
    }

    @Test func bundledMigrationsCreateTheElevenBusinessTables() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            var log: [String] = []
            do {
                try MigrationRunner(connection: connection).apply(environment: "development") { log.append($0) }
            } catch {
                Issue.record("bundled migrations failed: \(error) (log: \(log.joined(separator: " | ")))")
                return
            }
            for table in Self.businessTables {
                let exists = try connection.query("SELECT to_regclass($1) IS NOT NULL", [table]).first?.bool(0)
                #expect(exists == true, "missing table \(table)")
            }
            #expect(try MigrationRunner(connection: connection).apply().isEmpty)
            #expect(try MigrationRunner(connection: connection).status().allSatisfy { $0.state == .applied })
        }
    }
}
