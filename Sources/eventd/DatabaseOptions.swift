import ArgumentParser

/// Options shared by every subcommand that touches the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "PostgreSQL connection URL or libpq keyword string.",
            discussion: "Falls back to EVENTD_DATABASE_URL, then database.url in the config file, then libpq's PG* variables.",
            valueName: "url"
        )
    )
    var databaseURL: String?
}

/// Options for reading the configuration file.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("Path of the TOML configuration file (default: none, or EVENTD_CONFIG).", valueName: "path")
    )
    var path: String?

    @Option(name: .customLong("log-level"), help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?
}
