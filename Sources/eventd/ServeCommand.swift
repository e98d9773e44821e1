import ArgumentParser
import EventdDaemon
import Foundation
import Logging
import Prometheus

/// `eventd serve`: run the daemon until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the ingest daemon until SIGTERM or SIGINT.",
        discussion: """
            Listeners are off unless configured: pass --tcp, --udp and --http (HOST:PORT), or \
            set sources.*.listen in the config file or EVENTD_SOURCES_TCP_LISTEN etc. in the \
            environment.

            On SIGTERM/SIGINT eventd stops the listeners, commits everything it accepted (or, \
            with spool.directory set and PostgreSQL down, writes it to the spool), and exits 0.

            On SIGHUP it re-reads the config and applies log.level, [limits], [loader] and \
            [sources.http.rate_limit] at once; settings that need a restart are named in the log; \
            an invalid config is refused and the running one kept.

            Under systemd it speaks sd_notify (Type=notify, WatchdogSec=) and adopts the sockets \
            of eventd.socket named tcp, udp and http (LISTEN_FDS).
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var config: ConfigOptions

    @Option(help: ArgumentHelp("TCP listener for newline-delimited JSON.", valueName: "host:port"))
    var tcp: String?

    @Option(help: ArgumentHelp("UDP listener for JSON datagrams.", valueName: "host:port"))
    var udp: String?

    @Option(help: ArgumentHelp("HTTP listener (Segment tracking API, beacons, pixels).", valueName: "host:port"))
    var http: String?

    @Option(help: ArgumentHelp("Admin listener for /metrics, /healthz, /readyz.", valueName: "host:port"))
    var admin: String?

    @Option(help: ArgumentHelp(
        "Where accepted events go: postgres, or null to count and discard them (benchmarks: the daemon's own cost).",
        valueName: "postgres|null"))
    var sink: String = LoaderSink.postgres.rawValue

    func run() async throws {
        guard let loaderSink = LoaderSink(rawValue: sink) else {
            throw ValidationError("--sink '\(sink)' is not one of \(LoaderSink.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let environment = ProcessInfo.processInfo.environment
        MallocTuning.apply(environment: environment)
        let systemd = try SystemdEnvironment(environment: environment)
        for name in SystemdEnvironment.variables { unsetenv(name) }
        // SIGHUP re-reads everything as at start: file, environment, then the same flags on top.
        let (configPath, databaseURLFlag, flags) = (config.path, database.databaseURL, (tcp, udp, http, admin, config.logLevel))
        let resolve: @Sendable () throws -> DaemonSettings = {
            var settings = try DaemonSettings.resolve(
                configPath: configPath, environment: environment, databaseURLFlag: databaseURLFlag)
            try settings.applyFlags(tcp: flags.0, udp: flags.1, http: flags.2, admin: flags.3, logLevel: flags.4)
            return settings
        }
        let settings = try resolve()

        let logLevel = settings.liveLogLevel()
        LoggingSystem.bootstrap(settings.logHandlerFactory(liveLevel: logLevel))
        let logger = Logger(label: "eventd")
        if !systemd.sockets.isEmpty {
            logger.info("using sockets passed by systemd", metadata: ["names": "\(systemd.sockets.names.joined(separator: ", "))"])
        }

        // With a spool, PostgreSQL being down at start is survivable: events are spooled until it is back.
        if loaderSink == .postgres,
           let unreachable = try settings.checkDatabase(toleratingUnreachable: settings.config.spool.isEnabled) {
            logger.warning("PostgreSQL is unreachable; starting anyway, events are spooled until it is back",
                           metadata: ["error": "\(unreachable)"])
        }

        let registry = PrometheusCollectorRegistry()
        let daemon = try EventdDaemon.build(
            config: settings.config,
            databaseURL: settings.databaseURL,
            logger: logger,
            metricsFactory: PrometheusMetricsFactory(registry: registry),
            renderMetrics: { registry.emitToString() },
            sink: loaderSink,
            systemd: systemd,
            reloadConfig: { try resolve().config },
            logLevel: logLevel
        )
        logger.info("eventd starting", metadata: ["version": "\(EventdVersion.current)"])
        try await daemon.serviceGroup(logger: logger).run()
        logger.info("eventd stopped")
    }
}
