/// Which lines the loader logs while PostgreSQL is unreachable. Retries come every few hundred
/// milliseconds to `loader.retry_max` apart, so a line per retry would bury everything else in a
/// long outage. Instead: the first failure in full (with the server's message), then one line per
/// `interval` with the count of failed attempts, and one line when a connection works again.
///
/// Pure state: the caller passes the time and logs what comes back (`LoaderService+OutageLog.swift`).
struct OutageLog {
    enum Line: Equatable {
        /// The first failure of an outage.
        case unreachable
        /// Still failing: `attempts` failures in the `elapsed` time since the first.
        case stillUnreachable(attempts: Int, elapsed: Duration)
        /// Connected again after `elapsed` and `attempts` failed attempts.
        case reachableAgain(attempts: Int, elapsed: Duration)
    }

    /// Paces the "still unreachable" lines; its first occurrence is the outage's first failure.
    private var gate: RateLimitedLog
    private var firstFailure: ContinuousClock.Instant?
    private var attempts = 0

    init(interval: Duration = .seconds(30)) { gate = RateLimitedLog(interval: interval) }

    var interval: Duration { gate.interval }

    /// One more failed attempt to reach PostgreSQL.
    mutating func failed(at now: ContinuousClock.Instant) -> Line? {
        attempts += 1
        let first = firstFailure ?? now
        firstFailure = first
        guard gate.shouldLog(at: now) != nil else { return nil }
        return attempts == 1 ? .unreachable : .stillUnreachable(attempts: attempts, elapsed: now - first)
    }

    /// A connection worked; ends the outage, if there was one.
    mutating func succeeded(at now: ContinuousClock.Instant) -> Line? {
        defer {
            firstFailure = nil
            attempts = 0
            gate.reset()
        }
        guard let first = firstFailure else { return nil }
        return .reachableAgain(attempts: attempts, elapsed: now - first)
    }
}
