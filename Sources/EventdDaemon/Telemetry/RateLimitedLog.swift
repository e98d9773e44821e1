/// Lets a hot path log a recurring condition at most once per interval, reporting how many
/// occurrences the message stands for.
///
/// Plain state: the caller passes the time (`.now` in production, chosen instants in tests).
struct RateLimitedLog {
    let interval: Duration
    private var last: ContinuousClock.Instant?
    private var pending = 0

    init(interval: Duration) { self.interval = interval }

    /// Counts `count` occurrences at `now`; returns the total to report when a message is due: at the
    /// first occurrence, then at the first one at least `interval` after the last message.
    mutating func shouldLog(count: Int = 1, at now: ContinuousClock.Instant) -> Int? {
        pending += count
        if let last, now - last < interval { return nil }
        last = now
        defer { pending = 0 }
        return pending
    }

    /// Forgets the last message and the uncounted occurrences: the next occurrence is logged at once.
    mutating func reset() {
        last = nil
        pending = 0
    }
}
