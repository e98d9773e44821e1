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
            Listeners are off unless configured: pass --tcp, --udp and --http (HOST:PORT), or set
            sources.*.listen in the config file or EVENTD_SOURCES_TCP_LISTEN etc. in the environment.
            On SIGTERM/SIGINT eventd stops the listeners, commits everything it accepted (or, with
            spool.directory set and PostgreSQL down, writes it to the spool), and exits 0.
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

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var settings = try DaemonSettings.resolve(
            configPath: config.path, environment: environment, databaseURLFlag: database.databaseURL)
        try settings.applyFlags(tcp: tcp, udp: udp, http: http, admin: admin, logLevel: config.logLevel)

        LoggingSystem.bootstrap(settings.logHandlerFactory())
        let logger = Logger(label: "eventd")

        // With a spool, PostgreSQL being down at start is survivable: events are spooled until it is back.
        if let unreachable = try settings.checkDatabase(toleratingUnreachable: settings.config.spool.isEnabled) {
            logger.warning("PostgreSQL is unreachable; starting anyway, events are spooled until it is back",
                           metadata: ["error": "\(unreachable)"])
        }

        let registry = PrometheusCollectorRegistry()
        let daemon = try EventdDaemon.build(
            config: settings.config,
            databaseURL: settings.databaseURL,
            logger: logger,
            metricsFactory: PrometheusMetricsFactory(registry: registry),
            renderMetrics: { registry.emitToString() }
        )
        logger.info("eventd starting", metadata: ["version": "\(EventdVersion.current)"])
        try await daemon.serviceGroup(logger: logger).run()
        logger.info("eventd stopped")
    }
}
