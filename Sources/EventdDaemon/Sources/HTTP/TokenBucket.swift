import NIOCore

/// A token bucket counted in events, refilled continuously at `ratePerSecond` up to `burst`.
///
/// Admission needs one whole token; the request's events are then charged in full, and the
/// balance may go negative. So a batch larger than the burst is never refused forever — it is let
/// through once and the sender then waits until the debt is repaid — and the long-run rate is
/// still `ratePerSecond` whatever the batch sizes. Time is passed in (`NIODeadline`), never read
/// here, so tests drive it by hand.
struct TokenBucket: Sendable, Equatable {
    private(set) var tokens: Double
    private var updated: NIODeadline

    init(burst: Int, now: NIODeadline) {
        tokens = Double(burst)
        updated = now
    }

    /// Adds the tokens earned since the last update.
    mutating func refill(ratePerSecond: Int, burst: Int, now: NIODeadline) {
        guard now > updated else { return }
        let elapsed = Double((now - updated).nanoseconds) / 1e9
        tokens = min(Double(burst), tokens + elapsed * Double(ratePerSecond))
        updated = now
    }

    /// Whether a request may start now.
    var admits: Bool { tokens >= 1 }

    /// Charges `events` tokens (the balance may go below zero).
    mutating func charge(_ events: Int) {
        tokens -= Double(events)
    }

    /// Seconds until one token is available again, rounded up (the `Retry-After` value), at least 1.
    func secondsUntilAdmitted(ratePerSecond: Int) -> Int {
        guard tokens < 1, ratePerSecond > 0 else { return 1 }
        return max(1, Int(((1 - tokens) / Double(ratePerSecond)).rounded(.up)))
    }

    /// Whether the bucket is full (a client with a full bucket can be forgotten: a fresh one is the same).
    func isFull(burst: Int) -> Bool { tokens >= Double(burst) }
}
