import ArgumentParser
import EventdDaemon
import Foundation
import Logging

/// `eventd maintain`: partitions ahead, rollup, session abandonment, retention.
struct MaintainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintain",
        abstract: "Run the housekeeping jobs (once with --once, else on their [maintenance] intervals).",
        discussion: """
            Tasks, in this order (the settings named are in [maintenance]):
              ensure_event_partitions    daily partitions, partitions_ahead_days ahead
              cleanup_old_data           drops raw events past event_retention
              drop_old_rollups           drops rollups past rollup_retention
              process_pending_events     the rollup
              abandon_inactive_sessions  ends sessions idle longer than abandon_after

            With --once each prints one line and the command exits 0; --task limits it to the \
            named tasks.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Flag(help: "Run the tasks once, print one line per task, and exit.")
    var once = false

    @Option(name: .customLong("task"), help: ArgumentHelp(
        "Only this task (repeatable): \(MaintenanceTask.allCases.map(\.rawValue).joined(separator: ", ")).",
        valueName: "name"))
    var tasks: [String] = []

    func run() async throws {
        var settings = try DaemonSettings.resolve(
            configPath: config.path, environment: ProcessInfo.processInfo.environment,
            databaseURLFlag: database.databaseURL)
        try settings.applyFlags(tcp: nil, udp: nil, http: nil, admin: nil, logLevel: config.logLevel)
        let selected = try tasks.map { name in
            guard let task = MaintenanceTask(rawValue: name) else {
                throw ValidationError("--task '\(name)' is not one of \(MaintenanceTask.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return task
        }
        if once {
            let connection = try settings.connect()
            defer { connection.close() }
            let all = MaintenanceTask.daily + MaintenanceTask.frequent
            for line in try MaintenanceRunner.runOnce(on: connection, settings: MaintenanceSettings(settings.config),
                                                      tasks: selected.isEmpty ? all : all.filter(selected.contains)) {
                print(line)
            }
            return
        }
        let resolved = settings
        try await PeriodicCommandSupport.runForeground(settings: resolved) { logger, metrics in
            MaintenanceService.make(config: resolved.config, logger: logger, metrics: metrics, connect: { try resolved.connect() })
        }
    }
}
