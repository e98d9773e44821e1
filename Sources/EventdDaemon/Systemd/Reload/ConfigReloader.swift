import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import UnixSignals

/// Re-reads the configuration on SIGHUP (`systemctl reload eventd`) and applies what can change while
/// running, without closing a listener or dropping a connection.
///
/// An invalid new config is refused with a log line naming the key, and the running one stays. Keys
/// that need a restart are logged and left as they are (see `ConfigChanges`). Under systemd the reload
/// is bracketed by `RELOADING=1` and `READY=1`. Tests call `reload()`, the same path a signal takes.
public final class ConfigReloader: Service, Sendable {
    private let load: @Sendable () throws -> EventdConfig
    private let apply: @Sendable (EventdConfig) -> Void
    private let notifier: SystemdNotifier?
    private let logger: Logger
    private let running: NIOLockedValueBox<EventdConfig>

    /// - Parameters:
    ///   - running: the config the daemon was built with.
    ///   - load: reads the config again, as at start (file, environment, flags) and validates it.
    ///   - apply: puts a config's live settings into effect (`EventdDaemon` wires it).
    public init(running: EventdConfig, load: @escaping @Sendable () throws -> EventdConfig,
                apply: @escaping @Sendable (EventdConfig) -> Void, notifier: SystemdNotifier?, logger: Logger) {
        self.running = NIOLockedValueBox(running)
        self.load = load
        self.apply = apply
        self.notifier = notifier
        self.logger = logger
    }

    /// The config in effect: the start-up one with every applied reload's live settings.
    public var runningConfig: EventdConfig { running.withLockedValue { $0 } }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// Reloads now, as on SIGHUP. Reloads run one at a time.
    @discardableResult
    public func reload() -> ReloadOutcome {
        running.withLockedValue { current in
            notifier?.send(.reloadingNow())
            let outcome = reload(from: &current)
            notifier?.send([.ready, .status(Self.statusText(outcome))])
            return outcome
        }
    }

    private func reload(from current: inout EventdConfig) -> ReloadOutcome {
        let new: EventdConfig
        do {
            new = try load()
        } catch {
            return refuse(error)
        }
        let changes = ConfigChanges(from: current, to: new)
        let next = current.applyingLiveSettings(of: new)
        // The live keys must also make sense with the running values of the restart-only keys
        // (e.g. limits.max_batch_bytes against the running ring.max_bytes).
        do {
            try next.validate()
        } catch {
            return refuse(error)
        }
        current = next
        apply(next)
        if changes.isEmpty {
            logger.info("config reloaded: nothing changed")
        } else if !changes.live.isEmpty {
            logger.notice("config reloaded", metadata: [LogKey.applied: "\(changes.live.joined(separator: ", "))"])
        }
        if !changes.needRestart.isEmpty {
            logger.warning("changed config keys take effect only after a restart",
                           metadata: [LogKey.restartNeeded: "\(changes.needRestart.joined(separator: ", "))"])
        }
        return .applied(changes)
    }

    private func refuse(_ error: any Error) -> ReloadOutcome {
        let key = (error as? ConfigError)?.key
        var metadata: Logger.Metadata = [LogKey.error: "\(error)"]
        if let key { metadata[LogKey.key] = "\(key)" }
        logger.error("config reload refused; the running config is kept", metadata: metadata)
        return .refused(key: key, reason: "\(error)")
    }

    static func statusText(_ outcome: ReloadOutcome) -> String {
        switch outcome {
        case .applied(let changes) where changes.needRestart.isEmpty:
            "reloaded: \(changes.live.count) setting(s) applied"
        case .applied(let changes):
            "reloaded: \(changes.live.count) setting(s) applied; restart needed for \(changes.needRestart.joined(separator: ", "))"
        case .refused(let key, _):
            "reload refused (\(key ?? "config file")); running config kept"
        }
    }
}
