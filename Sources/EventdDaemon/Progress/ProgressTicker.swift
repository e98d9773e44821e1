import Foundation

/// Calls `tick` at once and then every `interval` on a thread of its own until `stop()`, which
/// returns only after the thread has finished (so no tick lands after it).
final class ProgressTicker: @unchecked Sendable {
    private let interval: Duration
    private let tick: @Sendable () -> Void
    private let condition = NSCondition()
    private var stopped = false
    private var finished = false

    init(every interval: Duration, tick: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.tick = tick
    }

    func start() {
        let thread = Thread { [self] in
            condition.lock()
            while !stopped {
                condition.unlock()
                tick()
                condition.lock()
                if stopped { break }
                _ = condition.wait(until: Date(timeIntervalSinceNow: interval.seconds))
            }
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "eventd-progress"
        thread.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
