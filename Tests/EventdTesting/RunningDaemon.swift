@testable import EventdDaemon
import Logging
import CoreMetrics
import MetricsTestKit
import Prometheus
import NIOCore
import ServiceLifecycle

/// An eventd built by the same builder as `eventd serve`, listening on ephemeral loopback ports,
/// running until `stop()` triggers the graceful shutdown SIGTERM would.
final class RunningDaemon: Sendable {
    let daemon: EventdDaemon
    let metrics: TestMetrics
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// An eventd on `database` with the chosen sources on ephemeral loopback ports and a quick loader.
    static func start(
        database: TestDatabase,
        tcp: Bool = true,
        udp: Bool = true,
        systemd: SystemdEnvironment = SystemdEnvironment(),
        reloadingFrom file: TemporaryConfigFile? = nil,
        http: Bool = false,
        waitForDatabase: Bool = true,
        sink: LoaderSink = .postgres,
        log: LogRecorder? = nil,
        configure: (inout EventdConfig) -> Void = { _ in }
    ) async throws -> RunningDaemon {
        var config = testConfig()
        if tcp { config.sources.tcp.listen = ListenAddress(host: "127.0.0.1", port: 0) }
        if udp { config.sources.udp.listen = ListenAddress(host: "127.0.0.1", port: 0) }
        if http {
            // Keyless and unlimited: these tests are about delivery, not the HTTP source's own rules.
            config.sources.http.listen = ListenAddress(host: "127.0.0.1", port: 0)
            config.sources.http.requireWriteKey = false
            config.sources.http.rateLimit.perIPPerSecond = 0
            config.sources.http.rateLimit.perKeyPerSecond = 0
        }
        configure(&config)
        return try await start(config: config, databaseURL: database.url, waitForDatabase: waitForDatabase,
                               sink: sink, log: log, systemd: systemd, reloadConfig: file?.load)
    }

    /// A config with no sources and a loader that retries quickly (tests wait for rows).
    static func testConfig() -> EventdConfig {
        var config = EventdConfig()
        config.loader.retryInitial = .milliseconds(20)
        config.loader.retryMax = .milliseconds(200)
        return config
    }

    /// An eventd running `config`, once every configured listener is open and, when `waitForDatabase`,
    /// PostgreSQL is connected.
    static func start(
        config: EventdConfig,
        databaseURL: String,
        waitForDatabase: Bool = true,
        logLevel: Logger.Level = .notice,
        sink: LoaderSink = .postgres,
        log: LogRecorder? = nil,
        systemd: SystemdEnvironment = SystemdEnvironment(),
        reloadConfig: (@Sendable () throws -> EventdConfig)? = nil,
        httpSettings: (HTTPSource.Settings) -> HTTPSource.Settings = { $0 },
        prometheus: PrometheusCollectorRegistry? = nil
    ) async throws -> RunningDaemon {
        var logger = log?.logger() ?? Logger(label: "eventd-test")
        logger.logLevel = logLevel
        let metrics = TestMetrics()
        // With a registry, metrics also go to Prometheus and the admin listener serves them (and the console).
        var factory: any MetricsFactory = metrics
        var renderMetrics: (@Sendable () -> String)?
        if let prometheus {
            factory = MultiplexMetricsHandler(factories: [metrics, PrometheusMetricsFactory(registry: prometheus)])
            renderMetrics = { prometheus.emitToString() }
        }
        let daemon = try EventdDaemon.build(config: config, databaseURL: databaseURL, logger: logger,
                                            metricsFactory: factory, renderMetrics: renderMetrics, sink: sink,
                                            httpSettings: httpSettings, systemd: systemd, reloadConfig: reloadConfig)
        let group = daemon.serviceGroup(logger: logger, signals: false)
        let task = Task { try await group.run() }
        let running = RunningDaemon(daemon: daemon, metrics: metrics, group: group, task: task)
        try await running.waitUntilReady(config: config, database: waitForDatabase)
        return running
    }

    private init(daemon: EventdDaemon, metrics: TestMetrics, group: ServiceGroup, task: Task<Void, any Error>) {
        self.daemon = daemon
        self.metrics = metrics
        self.group = group
        self.task = task
    }

    var tcpPort: Int { daemon.tcp?.localAddress?.port ?? 0 }
    var udpPort: Int { daemon.udp?.localAddress?.port ?? 0 }
    var httpPort: Int { daemon.http?.localAddress?.port ?? 0 }

    private func waitUntilReady(config: EventdConfig, database: Bool) async throws {
        let limit = Duration.seconds(10)
        let deadline = TestTimeout.deadline(after: limit)
        while ContinuousClock.now < deadline {
            let tcpReady = config.sources.tcp.listen == nil || daemon.tcp?.localAddress != nil
            let udpReady = config.sources.udp.listen == nil || daemon.udp?.localAddress != nil
            let httpReady = config.sources.http.listen == nil || daemon.http?.localAddress != nil
            // Ready: every configured listener is open and, unless the test runs with PostgreSQL down on
            // purpose, PostgreSQL is connected (readiness also counts listeners inherited from systemd).
            let adminReady = daemon.admin == nil || daemon.admin?.localAddress != nil
            if tcpReady && udpReady && httpReady && adminReady && (!database || daemon.health.readiness.ready) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSetupError("eventd was not ready within \(TestTimeout.scaled(limit)): \(daemon.health.readiness.reason)")
    }

    /// Graceful shutdown, as on SIGTERM; returns when every service has stopped.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
