/// The migrations shipped in the binary.
public enum Migrations {
    /// The SQL files under `Sources/EventdMigrations/SQL`, embedded at build time (`.embedInCode`),
    /// in version order. Adding a file means adding it here and to Package.swift.
    ///
    /// SwiftPM names each accessor by turning the file name into an identifier; a leading digit becomes
    /// `_`, so `001_initial_schema.sql` is `_01_initial_schema_sql` (checked in the generated
    /// DerivedSources/embedded_resources.swift with Swift 6.3).
    public static let bundled: [Migration] = [
        file("001_initial_schema.sql", PackageResources._01_initial_schema_sql),
        file("002_rls_policies.sql", PackageResources._02_rls_policies_sql),
        file("003_performance_indexes.sql", PackageResources._03_performance_indexes_sql),
        file("004_functions_triggers.sql", PackageResources._04_functions_triggers_sql),
        file("005_seed_data.sql", PackageResources._05_seed_data_sql),
        file("006_rollups.sql", PackageResources._06_rollups_sql),
        file("007_lead_email_lookup.sql", PackageResources._07_lead_email_lookup_sql),
        file("008_rejected_events_idempotency.sql", PackageResources._08_rejected_events_idempotency_sql),
        file("009_hourly_type_rollup.sql", PackageResources._09_hourly_type_rollup_sql),
        file("010_security_hardening.sql", PackageResources._10_security_hardening_sql),
        file("011_incremental_rollups.sql", PackageResources._11_incremental_rollups_sql),
        file("012_rollup_storage.sql", PackageResources._12_rollup_storage_sql),
        file("013_console_reader.sql", PackageResources._13_console_reader_sql),
        file("014_rollup_lag.sql", PackageResources._14_rollup_lag_sql),
        file("015_rollup_backfill.sql", PackageResources._15_rollup_backfill_sql),
        file("016_minute_members.sql", PackageResources._16_minute_members_sql),
    ].sorted { $0.version < $1.version }

    private static func file(_ name: String, _ bytes: [UInt8]) -> Migration {
        guard let migration = Migration(fileName: name, bytes: bytes) else {
            preconditionFailure("bundled migration \(name) does not follow NNN_name.sql")
        }
        return migration
    }
}
