#if canImport(Glibc)
import Glibc
#endif

/// What systemd gives eventd through its environment: where to send notifications (`NOTIFY_SOCKET`),
/// the watchdog (`WATCHDOG_USEC`, `WATCHDOG_PID`) and listening sockets (`LISTEN_FDS`, `LISTEN_PID`,
/// `LISTEN_FDNAMES`). Outside systemd all are absent and eventd behaves as it always did.
///
/// `eventd serve` reads it from the process environment; tests fill in the fields themselves.
public struct SystemdEnvironment: Sendable {
    /// `sd_notify` target; nil: nobody to tell.
    public var notifier: SystemdNotifier?
    /// `WatchdogSec=`; nil: no pings.
    public var watchdog: WatchdogSettings?
    /// Sockets from `eventd.socket`; empty: every source binds its own address.
    public var sockets: InheritedSockets
    /// How often `STATUS=` is refreshed.
    public var statusInterval: Duration = .seconds(5)

    /// Not under systemd.
    public init() {
        sockets = InheritedSockets()
    }

    /// Reads the variables systemd sets.
    ///
    /// - Throws: `SocketActivationError` when `LISTEN_FDS` names sockets eventd cannot use.
    public init(environment: [String: String], processID: pid_t = getpid()) throws(SocketActivationError) {
        notifier = SystemdNotifier(environment: environment)
        watchdog = WatchdogSettings(environment: environment, processID: processID)
        sockets = try InheritedSockets(environment: environment, processID: processID)
    }

    /// The variables to remove from the process environment once read, as `sd_listen_fds(1)` and
    /// `sd_notify(1)` do, so that nothing eventd might start inherits them.
    public static let variables = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"]
}
