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

    let interval: Duration
    private var firstFailure: ContinuousClock.Instant?
    private var lastLine: ContinuousClock.Instant?
    private var attempts = 0

    init(interval: Duration = .seconds(30)) { self.interval = interval }

    /// One more failed attempt to reach PostgreSQL.
    mutating func failed(at now: ContinuousClock.Instant) -> Line? {
        attempts += 1
        guard let first = firstFailure, let last = lastLine else {
            firstFailure = now
            lastLine = now
            return .unreachable
        }
        guard now - last >= interval else { return nil }
        lastLine = now
        return .stillUnreachable(attempts: attempts, elapsed: now - first)
    }

    /// A connection worked; ends the outage, if there was one.
    mutating func succeeded(at now: ContinuousClock.Instant) -> Line? {
        defer {
            firstFailure = nil
            lastLine = nil
            attempts = 0
        }
        guard let first = firstFailure else { return nil }
        return .reachableAgain(attempts: attempts, elapsed: now - first)
    }
}
