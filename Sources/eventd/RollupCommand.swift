import ArgumentParser
import EventdDaemon
import Foundation
import Logging

/// `eventd rollup`: roll raw events up into analytics.event_aggregations and analytics.metrics.
struct RollupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Roll raw events up into the dashboard tables (once with --once, else every rollup.interval).",
        discussion: """
            Calls analytics.run_rollups(rollup.late_window, rollup.buckets) in one transaction. \
            Safe next to `eventd serve` and other instances: an advisory lock lets one run at a \
            time, and the others skip.

            With --once it shows the run's elapsed time and then each phase's rows on standard \
            error, prints what it did in one line and exits 0 (for cron, systemd timers and tests).
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Flag(help: "Run one rollup, print what it did, and exit.")
    var once = false

    @Flag(help: "With --once: no progress output on standard error, only the summary.")
    var quiet = false

    func run() async throws {
        var settings = try DaemonSettings.resolve(
            configPath: config.path, environment: ProcessInfo.processInfo.environment,
            databaseURLFlag: database.databaseURL)
        try settings.applyFlags(tcp: nil, udp: nil, http: nil, admin: nil, logLevel: config.logLevel)
        if once {
            let connection = try settings.connect()
            defer { connection.close() }
            let report = try RollupRunner.runOnce(on: connection, settings: settings.config.rollup,
                                                  display: ProgressDisplay(quiet: quiet))
            print("rollup: \(report)")
            return
        }
        let resolved = settings
        try await PeriodicCommandSupport.runForeground(settings: resolved) { logger, metrics in
            RollupService.make(config: resolved.config.rollup, logger: logger, metrics: metrics, connect: { try resolved.connect() })
        }
    }
}
