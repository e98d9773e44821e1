import ArgumentParser
import EventdDaemon

/// `eventd` — analytics event ingestion daemon for PostgreSQL.
///
/// The command line only parses and hands over: each subcommand resolves its settings and calls the
/// same builders the tests use (`EventdDaemon.build`, `MigrationRunner`).
@main
struct EventdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventd",
        abstract: "Ingest analytics events over UDP, TCP and HTTP into PostgreSQL with COPY.",
        discussion: """
            Typical use:
              eventd migrate --database-url URL   create or update the schema
              eventd serve --config FILE          run the daemon
              eventd rollup --once                refresh the dashboard rollups now
              eventd maintain --once              partitions, retention, rollup, sessions
              eventd spool --status               the disk spool's depth and age
              eventd status [--watch]             a running eventd at a glance
              eventd import FILE...               load history (NDJSON, JSON arrays, .gz)
              eventd config example               a complete, commented eventd.toml

            The database is chosen by --database-url, else EVENTD_DATABASE_URL, else \
            database.url in the config file, else libpq's PGHOST, PGPORT, PGUSER, PGDATABASE \
            and PGPASSWORD variables.
            """,
        version: EventdVersion.current,
        subcommands: [ServeCommand.self, StatusCommand.self, ImportCommand.self, MigrateCommand.self, RollupCommand.self, MaintainCommand.self,
                      SpoolCommand.self, ConfigCommand.self]
    )
}
