import EventdPostgres
import Foundation

/// The ledger table `eventd.schema_migrations`: one row per applied migration.
///
/// The runner creates it itself (not a migration file) so that the very first migration is recorded too.
struct MigrationLedger {
    struct Entry {
        var version: Int
        var name: String
        var checksum: String
        var appliedAt: Date?
    }

    let connection: PostgresConnection

    static let createSQL = """
        CREATE SCHEMA IF NOT EXISTS eventd;
        CREATE TABLE IF NOT EXISTS eventd.schema_migrations (
            version      integer     PRIMARY KEY,
            name         text        NOT NULL,
            checksum     text        NOT NULL,
            applied_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
            execution_ms integer     NOT NULL
        );
        COMMENT ON TABLE eventd.schema_migrations IS
            'Applied eventd migrations; written by the eventd migration runner, one row per SQL file.';
        """

    /// Creates the schema and table if missing. Run while holding the migration lock, because
    /// concurrent CREATE … IF NOT EXISTS can still fail with a unique violation.
    func create() throws {
        // Notices like "schema eventd already exists, skipping" are expected here; keep them out of logs.
        let saved = connection.noticeHandler
        connection.noticeHandler = nil
        defer { connection.noticeHandler = saved }
        try connection.execute(Self.createSQL)
    }

    /// The recorded rows by version; empty when the ledger table does not exist yet.
    func entries() throws -> [Int: Entry] {
        let exists = try connection.query("SELECT to_regclass('eventd.schema_migrations') IS NOT NULL")
        guard try exists.first?.bool(0) == true else { return [:] }
        let rows = try connection.query(
            "SELECT version, name, checksum, extract(epoch FROM applied_at)::float8 FROM eventd.schema_migrations"
        )
        var result: [Int: Entry] = [:]
        for row in rows {
            guard let version = try row.int(0) else { continue }
            result[version] = Entry(
                version: version,
                name: row[1] ?? "",
                checksum: row[2] ?? "",
                appliedAt: try row.double(3).map { Date(timeIntervalSince1970: $0) }
            )
        }
        return result
    }

    /// Records `migration` as applied; called inside the migration's own transaction.
    func record(_ migration: Migration, executionMilliseconds: Int) throws {
        try connection.query(
            "INSERT INTO eventd.schema_migrations (version, name, checksum, execution_ms) VALUES ($1, $2, $3, $4)",
            [String(migration.version), migration.name, migration.checksum, String(executionMilliseconds)]
        )
    }
}
