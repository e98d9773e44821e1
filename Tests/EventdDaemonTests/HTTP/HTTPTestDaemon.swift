@testable import EventdDaemon
import Logging
import MetricsTestKit
import NIOCore
import ServiceLifecycle

/// An eventd with only its HTTP source on an ephemeral loopback port, built by the same builder as
/// `eventd serve`, with two write keys: `website` (public, origins limited) and `backend` (secret).
final class HTTPTestDaemon: Sendable {
    static let publicKey = "pk_test_0123456789abcdef"
    static let secretKey = "sk_test_0123456789abcdef"
    static let allowedOrigin = "http://allowed.example"

    let daemon: EventdDaemon
    let metrics: TestMetrics
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// - Parameter waitForDatabase: false for tests that point the loader at no database at all.
    static func start(
        databaseURL: String,
        waitForDatabase: Bool = true,
        configure: (inout EventdConfig) -> Void = { _ in },
        settings: @escaping (HTTPSource.Settings) -> HTTPSource.Settings = { $0 }
    ) async throws -> HTTPTestDaemon {
        var config = EventdConfig()
        config.sources.http.listen = ListenAddress(host: "127.0.0.1", port: 0)
        config.sources.http.writeKeys = [
            WriteKey(name: "website", key: publicKey, kind: .public, allowedOrigins: [allowedOrigin]),
            WriteKey(name: "backend", key: secretKey, kind: .secret),
        ]
        config.loader.retryInitial = .milliseconds(20)
        config.loader.retryMax = .milliseconds(200)
        config.shutdown.drainTimeout = .seconds(2)
        configure(&config)
        var logger = Logger(label: "eventd-http-test")
        logger.logLevel = .critical
        let metrics = TestMetrics()
        let daemon = try EventdDaemon.build(config: config, databaseURL: databaseURL, logger: logger,
                                        metricsFactory: metrics, renderMetrics: nil, httpSettings: settings)
        let group = daemon.serviceGroup(logger: logger, signals: false)
        let task = Task { try await group.run() }
        let running = HTTPTestDaemon(daemon: daemon, metrics: metrics, group: group, task: task)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            if daemon.http?.localAddress != nil, !waitForDatabase || daemon.health.isDatabaseConnected { return running }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSetupError("eventd's HTTP source did not start within 10 s")
    }

    private init(daemon: EventdDaemon, metrics: TestMetrics, group: ServiceGroup, task: Task<Void, any Error>) {
        self.daemon = daemon
        self.metrics = metrics
        self.group = group
        self.task = task
    }

    var port: Int { daemon.http?.localAddress?.port ?? 0 }

    func client() throws -> HTTPTestClient { try HTTPTestClient(port: port) }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
