@testable import EventdDaemon
import Logging
import MetricsTestKit
import NIOCore
import ServiceLifecycle

/// An eventd built by the same builder as `eventd serve`, listening on ephemeral loopback ports,
/// running until `stop()` triggers the graceful shutdown SIGTERM would.
final class RunningDaemon: Sendable {
    let daemon: EventdDaemon
    let metrics: TestMetrics
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static func start(
        database: TestDatabase,
        tcp: Bool = true,
        udp: Bool = true,
        systemd: SystemdEnvironment = SystemdEnvironment(),
        reloadingFrom file: TemporaryConfigFile? = nil,
        http: Bool = false,
        waitForDatabase: Bool = true,
        sink: LoaderSink = .postgres,
        configure: (inout EventdConfig) -> Void = { _ in }
    ) async throws -> RunningDaemon {
        var config = EventdConfig()
        if tcp { config.sources.tcp.listen = ListenAddress(host: "127.0.0.1", port: 0) }
        if udp { config.sources.udp.listen = ListenAddress(host: "127.0.0.1", port: 0) }
        if http {
            // Keyless and unlimited: these tests are about delivery, not the HTTP source's own rules.
            config.sources.http.listen = ListenAddress(host: "127.0.0.1", port: 0)
            config.sources.http.requireWriteKey = false
            config.sources.http.rateLimit.perIPPerSecond = 0
            config.sources.http.rateLimit.perKeyPerSecond = 0
        }
        config.loader.retryInitial = .milliseconds(20)
        config.loader.retryMax = .milliseconds(200)
        configure(&config)
        var logger = Logger(label: "eventd-test")
        logger.logLevel = .notice
        let metrics = TestMetrics()
        let daemon = try EventdDaemon.build(config: config, databaseURL: database.url, logger: logger,
                                            metricsFactory: metrics, renderMetrics: nil, sink: sink,
                                            systemd: systemd, reloadConfig: file?.load)
        let group = daemon.serviceGroup(logger: logger, signals: false)
        let task = Task { try await group.run() }
        let running = RunningDaemon(daemon: daemon, metrics: metrics, group: group, task: task)
        try await running.waitUntilListening(tcp: tcp, udp: udp, http: http, database: waitForDatabase)
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

    private func waitUntilListening(tcp: Bool, udp: Bool, http: Bool, database: Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            let tcpReady = !tcp || daemon.tcp?.localAddress != nil
            let udpReady = !udp || daemon.udp?.localAddress != nil
            let httpReady = !http || daemon.http?.localAddress != nil
            // Ready: every listener built (configured or inherited) is open and, unless the test runs
            // with PostgreSQL down on purpose, PostgreSQL is connected.
            if tcpReady && udpReady && httpReady && (!database || daemon.health.readiness.ready) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSetupError("eventd did not start listening within 10 s")
    }

    /// Graceful shutdown, as on SIGTERM; returns when every service has stopped.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
