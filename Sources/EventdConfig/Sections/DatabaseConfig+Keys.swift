extension DatabaseConfig {
    /// The `[database]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<DatabaseConfig>(
        keys: [
            ConfigKey("url", \.url, .optionalString,
                example: .commented("\"postgresql://eventd@localhost:5432/eventd\""),
                comment: """
                PostgreSQL connection, as a libpq URI or key=value string. When unset, eventd uses
                EVENTD_DATABASE_URL, then libpq's own variables (PGHOST, PGPORT, PGDATABASE, PGUSER, ...).
                Keep passwords out of this file: use ~/.pgpass or PGPASSWORD.
                """,
                summary: "PostgreSQL connection, a libpq URI or key=value string; unset, libpq's own `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`. Keep passwords out of the file (`~/.pgpass`, `PGPASSWORD`, or this variable in `/etc/eventd/eventd.env`)"),
            ConfigKey("application_name", \.applicationName, .string,
                check: .require({ $0.utf8.count <= 63 }) { "'\($0)' is longer than PostgreSQL's 63 bytes" },
                comment: """
                Shown in pg_stat_activity; change it to tell several eventd instances apart (at most 63 bytes).
                """,
                summary: "shown in `pg_stat_activity`; give each instance its own. At most 63 bytes"),
            ConfigKey("read_url", \.readURL, .optionalString,
                example: .commented("\"postgresql://eventd_console_login@standby:5432/eventd\""),
                comment: """
                Where read-only work (the web console) goes: a standby, or this database as a role that may only
                read (eventd_console, docs/console.md). Also the multi-host form. Unset: the url above.
                """,
                summary: "where read-only work (the [console](console.md)) goes: a standby, or this database as a read-only role (`eventd_console`); also the multi-host form. Unset: the write connection. Its sessions run with `default_transaction_read_only` and `console.statement_timeout`"),
        ])
}
