#if canImport(Glibc)
import Glibc
#endif

/// The service watchdog systemd asks for (`WatchdogSec=`), read from `WATCHDOG_USEC` and `WATCHDOG_PID`
/// as `sd_watchdog_enabled(3)` does.
public struct WatchdogSettings: Sendable, Equatable {
    /// systemd restarts the service when no `WATCHDOG=1` arrives within this time.
    public var timeout: Duration

    /// How often to ping: half the timeout, as systemd recommends, so one late ping is not fatal.
    public var pingInterval: Duration { timeout / 2 }

    public init(timeout: Duration) {
        self.timeout = timeout
    }

    /// The watchdog asked of this process, or nil: unset, not a positive number, or meant for another
    /// process (`WATCHDOG_PID` names a different pid, e.g. inherited from a parent).
    public init?(environment: [String: String], processID: pid_t = getpid()) {
        guard let text = environment["WATCHDOG_USEC"], let micros = UInt64(text), micros > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty {
            guard pid_t(pid) == processID else { return nil }
        }
        self.init(timeout: .microseconds(micros))
    }
}
