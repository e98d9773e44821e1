import EventdCore
import EventdPostgres
import Logging
import Metrics
import ServiceLifecycle

/// A configured eventd: every service of the data's path, wired together and listed in dependency
/// order — admin, loader, rollup, maintenance, then the sources — so that graceful shutdown, which
/// runs in reverse, stops the sources first, finishes a running rollup or maintenance transaction,
/// lets the loader drain the ring and commit, and stops telemetry last.
///
/// The command line builds one with `EventdDaemon.build(…)` and runs it; tests do exactly the same
/// with their own configuration (ports 0, a test database) and read the bound addresses back.
public struct EventdDaemon: Sendable {
    public let services: [any Service]
    public let tcp: TCPSource?
    public let udp: UDPSource?
    public let http: HTTPSource?
    public let admin: AdminServer?
    public let loader: LoaderService
    /// `[rollup]`, nil when disabled; its own thread and connection.
    public let rollup: PeriodicJobService?
    /// `[maintenance]`, nil when disabled; its own thread and connection.
    public let maintenance: PeriodicJobService?
    public let ring: IngestRing
    public let health: DaemonHealth
    public let metrics: EventdMetrics

    /// Wires a daemon from `config`.
    ///
    /// - Parameters:
    ///   - databaseURL: the resolved connection string; nil lets libpq use the PG* variables.
    ///   - metricsFactory: where metrics go (the executable passes Prometheus; tests a test backend).
    ///   - renderMetrics: renders `/metrics`; nil disables the admin listener.
    ///   - httpSettings: adjusts the HTTP source's settings after the config is applied (tests use
    ///     it for `testOnly_` hooks); the identity by default.
    /// - Throws: `SpoolError` when `[spool]` is configured and its directory cannot be opened or is
    ///   locked by another eventd.
    public static func build(
        config: EventdConfig,
        databaseURL: String?,
        logger: Logger,
        metricsFactory: any MetricsFactory,
        renderMetrics: (@Sendable () -> String)?,
        httpSettings: (HTTPSource.Settings) -> HTTPSource.Settings = { $0 }
    ) throws -> EventdDaemon {
        let metrics = EventdMetrics(factory: metricsFactory)
        let health = DaemonHealth()
        let ring = IngestRing(capacity: config.ring.capacity, byteLimit: config.ring.maxBytes)
        let pool = BatchPool()
        let pipeline = IngestPipeline(
            ring: ring, pool: pool, metrics: metrics,
            limits: config.limits.ingestLimits,
            anonymizeIP: config.privacy.anonymizeIP,
            logger: logger
        )
        let applicationName = config.database.applicationName
        // The spool is opened (and what a previous run left is scanned) before anything listens.
        let spool = try SpoolSettings(config.spool).map {
            try Spool.open(settings: $0, logger: logger, metrics: SpoolMetrics(factory: metricsFactory))
        }
        let loader = LoaderService(
            ring: ring,
            pool: pool,
            settings: .init(
                batchRows: config.loader.batchRows,
                batchDelay: config.loader.batchDelay,
                retryInitial: config.loader.retryInitial,
                retryMax: config.loader.retryMax,
                drainTimeout: config.shutdown.drainTimeout
            ),
            metrics: metrics,
            health: health,
            logger: logger,
            spool: spool,
            connect: { try PostgresConnection.connect(url: databaseURL, applicationName: applicationName) }
        )

        var services: [any Service] = []
        var admin: AdminServer?
        if let renderMetrics {
            let server = AdminServer(host: config.admin.listen.host, port: config.admin.listen.port,
                                     health: health, logger: logger, renderMetrics: renderMetrics)
            admin = server
            services.append(server)
        }
        services.append(loader)

        // Rollups and housekeeping: each on a connection of its own (named, to tell them apart in
        // pg_stat_activity), never the loader's, so a long run cannot hold up COPY.
        var rollup: PeriodicJobService?
        if config.rollup.enabled {
            let service = RollupService.make(config: config.rollup, logger: logger, metrics: metrics, connect: {
                try PostgresConnection.connect(url: databaseURL, applicationName: applicationName + "-rollup")
            })
            rollup = service
            services.append(service)
        }
        var maintenance: PeriodicJobService?
        if config.maintenance.enabled {
            let service = MaintenanceService.make(config: config, logger: logger, metrics: metrics, connect: {
                try PostgresConnection.connect(url: databaseURL, applicationName: applicationName + "-maintenance")
            })
            maintenance = service
            services.append(service)
        }

        var udp: UDPSource?
        if let listen = config.sources.udp.listen {
            let source = UDPSource(
                settings: .init(host: listen.host, port: listen.port,
                                maxDatagramBytes: config.sources.udp.maxDatagramBytes,
                                receiveBufferBytes: config.sources.udp.receiveBufferBytes),
                pipeline: pipeline, health: health, logger: logger)
            udp = source
            services.append(source)
        }
        var tcp: TCPSource?
        if let listen = config.sources.tcp.listen {
            let source = TCPSource(
                settings: .init(host: listen.host, port: listen.port,
                                maxConnections: config.sources.tcp.maxConnections,
                                maxLineBytes: config.sources.tcp.maxLineBytes,
                                idleTimeout: config.sources.tcp.idleTimeout,
                                drainTimeout: config.shutdown.drainTimeout),
                pipeline: pipeline, health: health, logger: logger)
            tcp = source
            services.append(source)
        }
        var http: HTTPSource?
        if let listen = config.sources.http.listen {
            let source = HTTPSource(
                settings: httpSettings(.init(config: config.sources.http, listen: listen,
                                             drainTimeout: config.shutdown.drainTimeout)),
                pipeline: pipeline, health: health, logger: logger)
            http = source
            services.append(source)
        }
        return EventdDaemon(services: services, tcp: tcp, udp: udp, http: http, admin: admin, loader: loader,
                            rollup: rollup, maintenance: maintenance, ring: ring, health: health, metrics: metrics)
    }

    /// A service group over the daemon's services that shuts down gracefully on SIGTERM and SIGINT.
    public func serviceGroup(logger: Logger, signals: Bool = true) -> ServiceGroup {
        ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [],
            logger: logger
        ))
    }
}

extension LimitsConfig {
    /// The decoder's limits from the `[limits]` config section.
    var ingestLimits: IngestLimits {
        IngestLimits(
            maxEventBytes: maxEventBytes,
            maxBatchBytes: maxBatchBytes,
            maxEventsPerBatch: maxEventsPerBatch,
            maxDepth: maxDepth,
            maxFutureMicros: maxFuture.microseconds,
            maxPastMicros: maxPast.microseconds
        )
    }
}

extension Duration {
    var microseconds: Int64 {
        let (s, attos) = components
        return s * 1_000_000 + attos / 1_000_000_000_000
    }
}
