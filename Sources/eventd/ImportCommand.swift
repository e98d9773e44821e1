import ArgumentParser
import EventdCore
import EventdDaemon
import Foundation
import Logging

/// `eventd import`: load history files through the live decode path and COPY, with progress.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load NDJSON or JSON-array files of events (.gz too; - for standard input) into PostgreSQL.",
        discussion: """
            Each line of an NDJSON file, or each element of a file that holds one JSON array, is one \
            text in any shape eventd accepts live: a native or Segment event or batch, or a PostHog, \
            Mixpanel or Snowplow (tp2 string map) event, rewritten by that protocol's adapter as on its \
            routes (--format; auto looks at each file's first record). It goes \
            through the same validation and enrichment, and into analytics.events with COPY; refusals \
            go to analytics.rejected_events with source_key import:FILE:LINE. Events older than the \
            live limit (limits.max_past) are accepted unless --max-age-days says otherwise.

            Safe to run again after an interruption: events that carry an id (messageId and friends, \
            PostHog's uuid, Mixpanel's $insert_id, Snowplow's eid) are not stored twice. At the end one rollup run folds everything in (--no-rollup skips it).

            A progress bar goes to standard error on a terminal; elsewhere, a line every 5 seconds.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Argument(help: ArgumentHelp("Files to import, in order; - reads standard input.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("Rows per COPY transaction (default: loader.batch_rows).", valueName: "rows"))
    var batchRows: Int?

    @Option(help: ArgumentHelp("Refuse events older than this many days (default: no limit).", valueName: "days"))
    var maxAgeDays: Int?

    @Option(help: ArgumentHelp(
        "The files' event shape: auto (each file's first record decides), segment, native, posthog, mixpanel or snowplow (tp2 payload_data string maps).",
        valueName: "format"))
    var format: ImportFormat = .auto

    @Flag(help: "Do not run the rollup at the end.")
    var noRollup = false

    @Flag(help: "No progress output, only the summary.")
    var quiet = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one file (or - for standard input)") }
        if let batchRows, batchRows < 1 { throw ValidationError("--batch-rows must be at least 1") }
        if let maxAgeDays, maxAgeDays < 1 { throw ValidationError("--max-age-days must be at least 1") }
    }

    func run() throws {
        var settings = try DaemonSettings.resolve(
            configPath: config.path, environment: ProcessInfo.processInfo.environment,
            databaseURLFlag: database.databaseURL)
        try settings.applyFlags(tcp: nil, udp: nil, http: nil, admin: nil, logLevel: config.logLevel)
        LoggingSystem.bootstrap(settings.logHandlerFactory())
        let logger = Logger(label: "eventd")
        var limits = settings.config.limits.ingestLimits
        // History is old by definition: the live limit on past timestamps does not apply.
        limits.maxPastMicros = Int64(maxAgeDays ?? 36_500) * 86_400 * 1_000_000
        let resolved = settings
        let runner = ImportRunner(batchRows: batchRows ?? settings.config.loader.batchRows, limits: limits,
                                  format: format, copyFormat: settings.config.loader.copyFormat, logger: logger, connect: { try resolved.connect() })
        let display = ProgressDisplay(quiet: quiet)
        let summary: ImportRunner.Summary
        do {
            summary = try runner.run(paths: files) { progress in display.update(progress.render()) }
        } catch {
            display.finish()
            throw ValidationError("\(error)")
        }
        display.finish()
        print(summary)
        guard !noRollup else { return }
        let connection = try settings.connect()
        defer { connection.close() }
        let report = try RollupRunner.runOnce(on: connection, settings: settings.config.rollup, display: display)
        print("rollup: \(report)")
    }
}

extension ImportFormat: ExpressibleByArgument {}
