import EventdPostgres

/// The wait between two attempts to reach PostgreSQL: the backoff's delay, cut short when PostgreSQL
/// comes back. A plain value fed ping results, so the decision is tested without a server.
///
/// Why: with only the backoff (up to `retry_max`), a PostgreSQL that flaps — up for 3–4 s between
/// outages — was missed window after window, and senders stalled for 28 s (issue 13). A ping costs no
/// login, so a few a second do not load a server that is down; a full attempt is made only once one answers.
///
/// The wait ends early only on a change from "nobody answers" to "a server answers": a server that
/// answers all along but refuses our COPY (a standby not yet promoted, too many connections) waits out
/// the backoff, so it is never retried in a tight loop.
struct ReconnectWait: Sendable {
    /// Time between pings, before jitter.
    static let probeInterval: Duration = .milliseconds(250)

    let deadline: ContinuousClock.Instant
    private(set) var sawUnreachable = false

    init(delay: Duration, from now: ContinuousClock.Instant) {
        deadline = now + delay
    }

    enum Step: Equatable {
        /// Sleep this long, then ping and call `observe`.
        case sleepThenPing(Duration)
        /// Sleep out the rest of the delay; no ping before it ends.
        case sleep(Duration)
        /// Retry now.
        case retry
    }

    /// What to do next. - Parameter unit: a random number in [0, 1) for the jitter (±50%).
    func next(at now: ContinuousClock.Instant, unit: Double = Double.random(in: 0..<1)) -> Step {
        guard now < deadline else { return .retry }
        let left = deadline - now
        let slice = Self.probeInterval * (0.5 + unit)
        return slice < left ? .sleepThenPing(slice) : .sleep(left)
    }

    /// Feeds a ping's result; true when the wait should end now (a server answers again).
    mutating func observe(_ ping: PostgresPing) -> Bool {
        switch ping {
        case .unreachable:
            sawUnreachable = true
            return false
        case .answering:
            return sawUnreachable
        }
    }
}
