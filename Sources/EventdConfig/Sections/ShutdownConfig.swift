/// `[shutdown]`: what eventd does on SIGTERM/SIGINT.
public struct ShutdownConfig: Sendable, Equatable {
    /// Longest wait, after the sources stop, for the ring to drain and the loader to commit (`drain_timeout`,
    /// default `30s`). Events still in memory after it are lost, so keep it below systemd's `TimeoutStopSec`.
    public var drainTimeout: Duration = .seconds(30)

    /// The defaults above.
    public init() {}
}
