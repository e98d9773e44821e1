import EventdDaemon
import Logging
import Metrics
import ServiceLifecycle

/// Runs one periodic service in the foreground until SIGTERM/SIGINT (`eventd rollup` and
/// `eventd maintain` without --once), with the configured logging and no metrics endpoint.
enum PeriodicCommandSupport {
    static func runForeground(settings: DaemonSettings,
                              make: (Logger, EventdMetrics) -> PeriodicJobService) async throws {
        LoggingSystem.bootstrap(settings.logHandlerFactory())
        let logger = Logger(label: "eventd")
        let service = make(logger, EventdMetrics(factory: NOOPMetricsHandler.instance))
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
