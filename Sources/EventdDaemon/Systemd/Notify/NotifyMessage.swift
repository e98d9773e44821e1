#if canImport(Glibc)
import Glibc
#endif

/// One sd_notify state change, as systemd's `sd_notify(3)` defines it: newline-separated
/// `KEY=value` assignments in a single datagram.
public enum NotifyMessage: Sendable, Equatable {
    /// Startup finished: every listener is bound and PostgreSQL is connected.
    case ready
    /// A one-line status shown by `systemctl status`.
    case status(String)
    /// The watchdog keep-alive ping.
    case watchdog
    /// A reload (SIGHUP) started; systemd needs the `CLOCK_MONOTONIC` time in µs to tell this reload from
    /// an earlier one. `READY=1` follows when it is done.
    case reloading(monotonicMicroseconds: UInt64)
    /// Graceful shutdown started.
    case stopping

    /// `RELOADING=1` stamped with the current monotonic time.
    public static func reloadingNow() -> NotifyMessage {
        .reloading(monotonicMicroseconds: monotonicMicroseconds())
    }

    /// The datagram's text.
    public var text: String {
        switch self {
        case .ready: "READY=1"
        // A newline would start a new assignment: status text is kept on one line.
        case .status(let line): "STATUS=" + String(line.map { $0.isNewline ? " " : $0 })
        case .watchdog: "WATCHDOG=1"
        case .reloading(let micros): "RELOADING=1\nMONOTONIC_USEC=\(micros)"
        case .stopping: "STOPPING=1"
        }
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
