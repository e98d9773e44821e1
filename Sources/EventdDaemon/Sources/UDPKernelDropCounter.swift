import Logging
import Metrics
import NIOConcurrencyHelpers

/// Carries the kernel's receive-buffer drops on the UDP source's socket into
/// `eventd_udp_kernel_dropped_datagrams_total`: datagrams that never reached eventd, so that
/// eventd's own metrics account for every lost datagram, not only the events it dropped itself.
///
/// The kernel keeps a running total per socket; every `update()` adds what it grew by since the last
/// one. `UDPSource` runs `updateEverySecond()` while it listens and calls `update()` once more just
/// before its socket closes (a closed socket's total is gone from /proc).
final class UDPKernelDropCounter: Sendable {
    private let reader: KernelUDPDropsReader
    private let counter: Counter
    private let logger: Logger
    private struct State {
        var lastTotal: UInt64 = 0
        var loggedUnavailable = false
    }
    private let state = NIOLockedValueBox(State())

    init(reader: KernelUDPDropsReader, counter: Counter, logger: Logger) {
        self.reader = reader
        self.counter = counter
        self.logger = logger
    }

    /// Until the task is cancelled.
    func updateEverySecond() async {
        while !Task.isCancelled {
            update()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Reads the socket's total and counts the growth. Under the lock, so that the periodic update
    /// and the last one at shutdown never count the same drops twice.
    func update() {
        let total = reader.read()?.drops
        state.withLockedValue { state in
            guard let total else {
                // Not Linux, or /proc hidden (a container's view): nothing to count, said once.
                if !state.loggedUnavailable {
                    state.loggedUnavailable = true
                    logger.debug("kernel UDP receive-buffer drops are not readable from /proc; not counted in eventd's metrics")
                }
                return
            }
            if total > state.lastTotal { counter.increment(by: Int64(truncatingIfNeeded: total - state.lastTotal)) }
            state.lastTotal = total
        }
    }
}
