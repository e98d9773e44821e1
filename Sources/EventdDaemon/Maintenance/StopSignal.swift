import Foundation

/// A one-way "stop now" flag a worker thread can sleep on: `wait(for:)` returns early, with `true`,
/// once `stop()` was called. Lets a periodic thread sleep for minutes yet shut down at once.
final class StopSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    /// Wakes the sleeper; later waits return immediately.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Sleeps up to `duration`; returns whether a stop was requested.
    func wait(for duration: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: max(0, duration.seconds))
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            if !condition.wait(until: deadline) { break }
        }
        return stopped
    }
}
