import Foundation

/// How long tests wait for something that is expected to happen: a daemon to be ready, rows to land, a reply
/// to arrive. Instrumented builds (ASan, TSan) run several times slower, so `EVENTD_TEST_TIMEOUT_SCALE`
/// (e.g. 4; Tests/Sanitizers/run.sh sets it) stretches these deadlines. It never stretches what a test
/// asserts about eventd's behaviour (a 408 after request_timeout, a bomb refused in < 2 s): a wait that
/// merely ends sooner on a fast machine is not a weaker test.
enum TestTimeout {
    static let scale: Double = {
        guard let text = ProcessInfo.processInfo.environment["EVENTD_TEST_TIMEOUT_SCALE"] else { return 1 }
        guard let value = Double(text), value >= 1 else {
            fatalError("EVENTD_TEST_TIMEOUT_SCALE must be a number ≥ 1, not \(text.debugDescription)")
        }
        return value
    }()

    /// `duration` stretched by the scale.
    static func scaled(_ duration: Duration) -> Duration { duration * scale }

    /// The moment a wait of `duration` (stretched by the scale) that starts now gives up.
    static func deadline(after duration: Duration) -> ContinuousClock.Instant { .now + scaled(duration) }

    /// A socket receive timeout of `seconds`, stretched by the scale.
    static func receiveTimeout(seconds: Int) -> timeval {
        timeval(tv_sec: Int(Double(seconds) * scale), tv_usec: 0)
    }
}
