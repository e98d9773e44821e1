@testable import EventdDaemon
import Logging
import MetricsTestKit

/// An eventd with only its HTTP source on an ephemeral loopback port (a RunningDaemon), with two write
/// keys: `website` (public, origins limited) and `backend` (secret).
final class HTTPTestDaemon: Sendable {
    static let publicKey = "pk_test_0123456789abcdef"
    static let secretKey = "sk_test_0123456789abcdef"
    static let allowedOrigin = "http://allowed.example"

    private let running: RunningDaemon

    /// - Parameter waitForDatabase: false for tests that point the loader at no database at all.
    static func start(
        databaseURL: String,
        waitForDatabase: Bool = true,
        configure: (inout EventdConfig) -> Void = { _ in },
        settings: @escaping (HTTPSource.Settings) -> HTTPSource.Settings = { $0 }
    ) async throws -> HTTPTestDaemon {
        var config = RunningDaemon.testConfig()
        config.sources.http.listen = ListenAddress(host: "127.0.0.1", port: 0)
        config.sources.http.writeKeys = [
            WriteKey(name: "website", key: publicKey, kind: .public, allowedOrigins: [allowedOrigin]),
            WriteKey(name: "backend", key: secretKey, kind: .secret),
        ]
        config.shutdown.drainTimeout = .seconds(2)
        configure(&config)
        // Quiet: these tests provoke refusals on purpose, and each would log.
        return HTTPTestDaemon(running: try await RunningDaemon.start(
            config: config, databaseURL: databaseURL, waitForDatabase: waitForDatabase, logLevel: .critical,
            httpSettings: settings))
    }

    private init(running: RunningDaemon) { self.running = running }

    var daemon: EventdDaemon { running.daemon }
    var metrics: TestMetrics { running.metrics }
    var port: Int { running.httpPort }

    func client() throws -> HTTPTestClient { try HTTPTestClient(port: port) }

    func stop() async throws { try await running.stop() }
}
