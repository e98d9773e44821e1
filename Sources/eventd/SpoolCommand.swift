import ArgumentParser
import EventdDaemon
import Foundation
import Logging

/// `eventd spool`: look at, or empty, the disk spool of `[spool]`.
struct SpoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool",
        abstract: "Show the disk spool's depth (--status) or replay it into PostgreSQL now (--replay).",
        discussion: """
            The spool is where `eventd serve` keeps accepted events while PostgreSQL is \
            unreachable or behind (spool.directory in the config). A running eventd replays it by \
            itself once PostgreSQL is back.

            --replay is for a spool left behind by an eventd that will not run again on this \
            machine, and is refused while an eventd holds the spool; it shows progress on standard \
            error (a bar on a terminal, elsewhere a line every 5 seconds). --status is safe at any \
            time and changes nothing.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Flag(help: "Print the spool's depth, age and quarantine counts (the default).")
    var status = false

    @Flag(help: "Replay every spooled record into PostgreSQL, then print what was loaded.")
    var replay = false

    @Flag(help: "With --replay: no progress output, only the summary.")
    var quiet = false

    @Option(help: ArgumentHelp("Spool directory (default: spool.directory from the config).", valueName: "path"))
    var directory: String?

    func validate() throws {
        if status && replay { throw ValidationError("--status and --replay are exclusive") }
    }

    func run() async throws {
        var settings = try DaemonSettings.resolve(
            configPath: config.path, environment: ProcessInfo.processInfo.environment,
            databaseURLFlag: database.databaseURL)
        try settings.applyFlags(tcp: nil, udp: nil, http: nil, admin: nil, logLevel: config.logLevel)
        if let directory { settings.config.spool.directory = directory }
        guard let spool = SpoolSettings(settings.config.spool) else {
            throw ValidationError("no spool configured: set spool.directory in the config, or pass --directory")
        }
        LoggingSystem.bootstrap(settings.logHandlerFactory())
        let logger = Logger(label: "eventd")
        if replay {
            let resolved = settings
            let display = ProgressDisplay(quiet: quiet)
            defer { display.finish() }
            let report = try SpoolOperations.replay(settings: spool, batchRows: resolved.config.loader.batchRows,
                                                    copyFormat: resolved.config.loader.copyFormat,
                                                    logger: logger, connect: { try resolved.connect() },
                                                    progress: { display.update($0.render()) })
            display.finish()
            print(report)
        } else {
            print(try SpoolOperations.status(settings: spool, logger: logger))
        }
    }
}
