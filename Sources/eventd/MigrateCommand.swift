import ArgumentParser
import EventdDaemon
import EventdMigrations
import EventdPostgres
import Foundation

/// `eventd migrate`: create or update the database schema.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (or list them with --status).",
        discussion: """
            Migrations are built into the binary and applied in order, each in its own \
            transaction, under an advisory lock so two instances cannot race. Applied versions \
            and their checksums are kept in eventd.schema_migrations; running it again is a no-op.

            Each migration's name, position and elapsed time go to standard error while it runs \
            (redrawn in place on a terminal, elsewhere a line every 5 seconds).
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Flag(help: "List applied and pending migrations instead of applying them.")
    var status = false

    @Flag(help: "No progress output on standard error, only the summary.")
    var quiet = false

    @Option(help: ArgumentHelp(
        "Value of app.environment while migrating; 'development' loads the seed data.",
        valueName: "name"))
    var environment: String?

    func run() throws {
        let settings = try DaemonSettings.resolve(
            configPath: config.path, environment: ProcessInfo.processInfo.environment,
            databaseURLFlag: database.databaseURL)
        let connection = try settings.connect()
        let runner = MigrationRunner(connection: connection)
        if status {
            for entry in try runner.status() {
                print(entry.description)
            }
            return
        }
        let applied = try runner.apply(environment: environment, display: ProgressDisplay(quiet: quiet))
        print(applied.isEmpty ? "schema is up to date" : "applied \(applied.count) migration(s)")
    }
}
