@testable import EventdDaemon
import Foundation
import NIOPosix
import Prometheus
@testable import EventdTesting

/// A daemon with its admin listener (and so the console) on an ephemeral loopback port.
struct ConsoleTestDaemon {
    static let token = "console-test-token-0123456789abcdef"
    static let user = "operator"
    static let password = "console-test-password"

    let running: RunningDaemon
    var port: Int { running.daemon.admin?.localAddress?.port ?? 0 }

    /// Runs `body` against an eventd whose console is configured by `configure` (credentials by default),
    /// stopping it even when `body` throws.
    static func with(database: TestDatabase, configure: (inout EventdConfig) -> Void = { config in
        config.console.token = token
        config.console.user = user
        config.console.password = password
    }, _ body: (ConsoleTestDaemon) async throws -> Void) async throws {
        var config = RunningDaemon.testConfig()
        config.admin.listen = ListenAddress(host: "127.0.0.1", port: 0)
        config.sources.tcp.listen = ListenAddress(host: "127.0.0.1", port: 0)
        configure(&config)
        try await withDaemon(await RunningDaemon.start(config: config, databaseURL: database.url,
                                                 prometheus: PrometheusCollectorRegistry())) { running in
            try await body(ConsoleTestDaemon(running: running))
        }
    }

    /// GET `path` with `headers`, off Swift's cooperative threads (the client blocks on its socket).
    func get(_ path: String, headers: [(String, String)] = [ConsoleTestDaemon.bearer]) async throws -> HTTPTestClient.Response {
        let port = self.port
        return try await NIOThreadPool.singleton.runIfActive {
            try HTTPTestClient(port: port).request("GET", path, headers: headers)
        }
    }

    static let bearer = ("Authorization", "Bearer \(token)")
    static var basic: (String, String) { ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()) }

    /// `data-k` cells of a page: key → the number as shown (thousands separators removed).
    static func numbers(in html: String) -> [String: String] {
        var out: [String: String] = [:]
        for match in html.matches(of: #/data-k="([^"]*)">([^<]*)</#) {
            out[String(match.1)] = String(match.2).replacing(",", with: "")
        }
        return out
    }
}
