import EventdCore
import EventdPostgres
import Logging
import Metrics
import ServiceLifecycle

/// A configured eventd: every service of the data's path, wired together and listed in dependency
/// order — admin, loader, rollup, maintenance, then the sources — so that graceful shutdown, which
/// runs in reverse, stops the sources first, finishes a running rollup or maintenance transaction,
/// lets the loader drain the ring and commit, and stops telemetry last. Under systemd the notifier
/// (READY, STATUS, watchdog) comes first, to be fed until the very end, and the reloader and the
/// STOPPING=1 notifier come last, to hear of the shutdown first.
///
/// The command line builds one with `EventdDaemon.build(…)` and runs it; tests do exactly the same
/// with their own configuration (ports 0, a test database) and read the bound addresses back.
public struct EventdDaemon: Sendable {
    public let services: [any Service]
    public let tcp: TCPSource?
    public let udp: UDPSource?
    public let http: HTTPSource?
    public let admin: AdminServer?
    /// The web console (`[console]` with credentials and an admin listener), nil when off.
    public let console: ConsoleService?
    public let loader: LoaderService
    /// `[rollup]`, nil when disabled; its own thread and connection.
    public let rollup: PeriodicJobService?
    /// `[maintenance]`, nil when disabled; its own thread and connection.
    public let maintenance: PeriodicJobService?
    public let ring: IngestRing
    public let health: DaemonHealth
    public let metrics: EventdMetrics
    /// Applies a re-read config on SIGHUP; nil when `build` got no `reloadConfig`.
    public let reloader: ConfigReloader?

    /// Wires a daemon from `config`.
    ///
    /// - Parameters:
    ///   - databaseURL: the resolved connection string; nil lets libpq use the PG* variables.
    ///   - metricsFactory: where metrics go (the executable passes Prometheus; tests a test backend).
    ///   - renderMetrics: renders `/metrics`; nil disables the admin listener.
    ///   - sink: `.null` makes the loader discard batches instead of loading them (benchmarks).
    ///   - httpSettings: adjusts the HTTP source's settings after the config is applied (tests use
    ///     it for `testOnly_` hooks); the identity by default.
    ///   - systemd: notifications, watchdog and inherited sockets (`eventd.socket`); a source whose
    ///     socket is inherited uses it instead of its `listen` address, and is on even without one.
    ///   - reloadConfig: reads the config again on SIGHUP; nil: no reload (SIGHUP keeps its default).
    ///   - logLevel: the level every log handler reads (`ReloadableLogHandler`), set by a reload.
    /// - Throws: `SpoolError` when `[spool]` is configured and its directory cannot be opened or is
    ///   locked by another eventd.
    public static func build(
        config: EventdConfig,
        databaseURL: String?,
        logger: Logger,
        metricsFactory: any MetricsFactory,
        renderMetrics: (@Sendable () -> String)?,
        sink: LoaderSink = .postgres,
        httpSettings: (HTTPSource.Settings) -> HTTPSource.Settings = { $0 },
        systemd: SystemdEnvironment = SystemdEnvironment(),
        reloadConfig: (@Sendable () throws -> EventdConfig)? = nil,
        logLevel: LiveValue<Logger.Level>? = nil
    ) throws -> EventdDaemon {
        let metrics = EventdMetrics(factory: metricsFactory)
        let health = DaemonHealth()
        let ring = IngestRing(capacity: config.ring.capacity, byteLimit: config.ring.maxBytes)
        // A batch TCP or UDP fills to `BatchBuilder.cutBytes` of rows has grown its buffer to twice that,
        // and MallocTuning maps such buffers: each one freed and mapped afresh costs page faults. Under
        // overload the batches of up to `loader.connections` cuts come back at once when their commits
        // land: with one 16 MiB list 63 % of takes missed. With a large list of half the ring's byte
        // budget eventd's CPU per event in tcp-max fell 13–20 % at the same peak RSS (with the whole
        // budget, the same CPU and 4–10 MB more): Benchmarks/RESULTS.md, "Recycling the batches of the
        // cuts in flight". Batches up to a cut's bytes (HTTP bodies, a read's worth) use the small list.
        let pool = BatchPool(maxBatchBytes: BatchBuilder.cutBytes + (256 << 10),
                             maxLargeBatchBytes: 2 * BatchBuilder.cutBytes + (256 << 10),
                             maxLargePooledBytes: config.ring.maxBytes / 2,
                             onAllocate: { [allocations = metrics.batchPoolAllocations] in allocations.increment() })
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
            settings: .init(config.loader, drainTimeout: config.shutdown.drainTimeout, sink: sink),
            metrics: metrics,
            health: health,
            logger: logger,
            spool: spool,
            connect: { try PostgresConnection.connect(url: databaseURL, applicationName: applicationName) },
            ping: { PostgresConnection.ping(url: databaseURL, applicationName: applicationName) }
        )

        var services: [any Service] = []
        // First, so graceful shutdown reaches it last: the watchdog is fed until the loader has committed.
        if let notifier = systemd.notifier {
            services.append(SystemdNotifyService(notifier: notifier, watchdog: systemd.watchdog,
                                                 statusInterval: systemd.statusInterval,
                                                 health: health, ring: ring, logger: logger))
        }
        var admin: AdminServer?
        var console: ConsoleService?
        if let renderMetrics {
            // The console reads through database.read_url (a standby, a read-only role), else the write URL.
            console = ConsoleService.make(config: config.console, ring: config.ring, applicationName: applicationName,
                                          readURL: config.database.readURL ?? databaseURL,
                                          health: health, renderMetrics: renderMetrics)
            let server = AdminServer(config: config.admin, health: health, logger: logger, console: console,
                                     renderMetrics: renderMetrics)
            admin = server
            services.append(server)
            if let console { services.append(console) }
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

        // A socket from systemd turns its source on, wherever the config says it should listen.
        var udp: UDPSource?
        let udpSocket = systemd.sockets.descriptor(.udp)
        if config.sources.udp.listen != nil || udpSocket != nil {
            var settings = UDPSource.Settings(config.sources.udp)
            settings.inheritedDescriptor = udpSocket
            let source = UDPSource(settings: settings, pipeline: pipeline, health: health, logger: logger)
            udp = source
            services.append(source)
        }
        var tcp: TCPSource?
        let tcpSocket = systemd.sockets.descriptor(.tcp)
        if config.sources.tcp.listen != nil || tcpSocket != nil {
            var settings = TCPSource.Settings(config.sources.tcp, drainTimeout: config.shutdown.drainTimeout)
            settings.inheritedDescriptor = tcpSocket
            let source = TCPSource(settings: settings, pipeline: pipeline, health: health, logger: logger)
            tcp = source
            services.append(source)
        }
        var http: HTTPSource?
        let httpSocket = systemd.sockets.descriptor(.http)
        if config.sources.http.listen != nil || httpSocket != nil {
            var settings = HTTPSource.Settings(config.sources.http, drainTimeout: config.shutdown.drainTimeout)
            settings.inheritedDescriptor = httpSocket
            let source = HTTPSource(settings: httpSettings(settings), pipeline: pipeline, health: health, logger: logger)
            http = source
            services.append(source)
        }

        var reloader: ConfigReloader?
        if let reloadConfig {
            let service = ConfigReloader(running: config, load: reloadConfig, apply: { [pipeline, loader, http] new in
                // Every key declared `reload: .live` (ConfigKey), which ConfigChanges calls live.
                logLevel?.set(Logger.Level(new.log.level))
                pipeline.liveLimits.set(new.limits.ingestLimits)
                loader.update(new.loader)
                http?.updateRateLimits(new.sources.http.rateLimit)
            }, notifier: systemd.notifier, logger: logger)
            reloader = service
            services.append(service)
        }
        // Last, so it hears of graceful shutdown first and says STOPPING=1 at once.
        if let notifier = systemd.notifier {
            services.append(SystemdStopNotifier(notifier: notifier))
        }
        return EventdDaemon(services: services, tcp: tcp, udp: udp, http: http, admin: admin, console: console, loader: loader,
                            rollup: rollup, maintenance: maintenance, ring: ring, health: health, metrics: metrics,
                            reloader: reloader)
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
    public var ingestLimits: IngestLimits {
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
