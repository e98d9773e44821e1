/// Exponential backoff with full jitter for reconnecting to PostgreSQL.
///
/// Full jitter (a uniform draw between zero and the capped exponential) keeps several eventd
/// instances that lost the same server from reconnecting in lock step. The random source is
/// injected so tests get deterministic delays.
struct Backoff: Sendable {
    let initial: Duration
    let maximum: Duration
    private(set) var attempt = 0

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The delay before the next attempt; each call counts one more failure.
    /// - Parameter unit: a random number in [0, 1).
    mutating func nextDelay(unit: Double = Double.random(in: 0..<1)) -> Duration {
        let exponent = min(attempt, 30)
        attempt += 1
        let capped = min(initial * (1 << exponent), maximum)
        // Never less than a millisecond: a zero delay would spin against a dead server.
        return max(.milliseconds(1), capped * unit)
    }

    /// The capped, un-jittered delay the next attempt would use (for logs and status).
    var ceiling: Duration { min(initial * (1 << min(attempt, 30)), maximum) }

    mutating func reset() { attempt = 0 }
}
