import EventdCore
import Logging
import ServiceLifecycle

/// Tells systemd how eventd is doing (`Type=notify`): `READY=1` once every listener is bound and
/// PostgreSQL is connected, a `STATUS=` line with live counts every `statusInterval`, and
/// `WATCHDOG=1` every half `WatchdogSec` while it runs.
///
/// Listed first in the service group, so graceful shutdown reaches it last: the watchdog keeps being
/// fed while the sources drain and the loader commits. `SystemdStopNotifier`, listed last, says
/// `STOPPING=1` as soon as shutdown begins.
///
/// The pings come from a task on the cooperative pool: a wedged pool or a process that stopped
/// scheduling is caught; a loader stuck inside libpq is not (its own reconnect timeouts cover that).
public final class SystemdNotifyService: Service, Sendable {
    private let notifier: SystemdNotifier
    private let watchdog: WatchdogSettings?
    private let statusInterval: Duration
    private let health: DaemonHealth
    private let ring: IngestRing
    private let logger: Logger

    public init(notifier: SystemdNotifier, watchdog: WatchdogSettings?, statusInterval: Duration = .seconds(5),
                health: DaemonHealth, ring: IngestRing, logger: Logger) {
        self.notifier = notifier
        self.watchdog = watchdog
        self.statusInterval = statusInterval
        self.health = health
        self.ring = ring
        self.logger = logger
    }

    public func run() async throws {
        if let watchdog {
            logger.info("systemd watchdog enabled", metadata: ["ping_interval": "\(watchdog.pingInterval)"])
        }
        await cancelWhenGracefulShutdown { [self] in
            await self.loop()
        }
    }

    private func loop() async {
        let clock = ContinuousClock()
        var readySent = false
        var nextStatus = clock.now
        var nextPing = clock.now
        while !Task.isCancelled {
            let now = clock.now
            if !readySent, health.readiness.ready {
                notifier.send([.ready, .status(currentStatus())])
                readySent = true
                nextStatus = now + statusInterval
                logger.info("told systemd: ready")
            }
            if readySent, now >= nextStatus {
                notifier.send(.status(currentStatus()))
                nextStatus = now + statusInterval
            }
            if let watchdog, now >= nextPing {
                notifier.send(.watchdog)
                nextPing = now + watchdog.pingInterval
            }
            // Poll readiness briskly at start (systemd waits on it); afterwards wake only when due.
            var wake = readySent ? nextStatus : now + .milliseconds(20)
            if watchdog != nil { wake = min(wake, nextPing) }
            try? await Task.sleep(until: wake, clock: clock)
        }
    }

    private func currentStatus() -> String {
        StatusLine(health: health, ringBatches: ring.approximateCount).text
    }
}

/// Says `STOPPING=1` to systemd the moment graceful shutdown begins (SIGTERM, `systemctl stop`).
/// Listed last in the service group, so it is the first to hear of the shutdown.
public final class SystemdStopNotifier: Service, Sendable {
    private let notifier: SystemdNotifier

    public init(notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    public func run() async throws {
        try? await gracefulShutdown()
        notifier.send([.stopping, .status("stopping: draining connections and committing what was accepted")])
    }
}
