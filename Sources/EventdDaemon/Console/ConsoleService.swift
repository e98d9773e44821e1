import EventdCore
import ServiceLifecycle

/// The console's long-running part: samples the daemon's own `/metrics` into `ConsoleHistory` every
/// `sampleInterval`, and closes the read path when eventd stops. Listed right after the admin listener.
public final class ConsoleService: Service, Sendable {
    static let sampleInterval: Duration = .seconds(5)

    let router: ConsoleRouter
    let readPath: ConsoleReadPath
    private let history: ConsoleHistory
    private let health: DaemonHealth
    private let renderMetrics: @Sendable () -> String

    /// nil when `[console]` has no credentials: the console is off. `ring` is for the Live page's ring fill,
    /// `applicationName` the daemon's `database.application_name` (the read path adds `-console`).
    public static func make(config: ConsoleConfig, ring: RingConfig, applicationName: String, readURL: String?,
                            health: DaemonHealth, renderMetrics: @escaping @Sendable () -> String) -> ConsoleService? {
        guard config.isEnabled else { return nil }
        return ConsoleService(config: config, ring: ring, applicationName: applicationName, readURL: readURL,
                              health: health, renderMetrics: renderMetrics)
    }

    private init(config: ConsoleConfig, ring: RingConfig, applicationName: String, readURL: String?, health: DaemonHealth,
                 renderMetrics: @escaping @Sendable () -> String) {
        history = ConsoleHistory(sampleInterval: Self.sampleInterval)
        readPath = ConsoleReadPath(url: readURL, applicationName: applicationName + "-console",
                                   statementTimeout: config.statementTimeout)
        router = ConsoleRouter(config: config, ring: ring, readPath: readPath, history: history)
        self.health = health
        self.renderMetrics = renderMetrics
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                sample()
                try await Task.sleep(for: Self.sampleInterval)
            }
        }
        await readPath.shutdown()
    }

    /// Takes one sample now (tests call it instead of waiting for the interval).
    func sample() {
        let (ready, reason) = health.readiness
        let now = Double(Timestamp.now()) / 1e6
        history.append(StatusSnapshot(metrics: PrometheusText(renderMetrics()), readyStatus: ready ? 200 : 503,
                                      readiness: reason, takenAt: now))
    }
}
