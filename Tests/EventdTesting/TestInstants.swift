/// Instants a given number of seconds after one start, for the plain-state types that are passed
/// the time (`OutageLog`, `RateLimitedLog`), so their tests need no clock.
struct TestInstants {
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }
}
