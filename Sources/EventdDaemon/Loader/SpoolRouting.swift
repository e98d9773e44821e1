/// Where the loader sends each cut when a spool is configured — PostgreSQL or the disk spool — and
/// when it replays the spool. A plain value with the clock passed in, so the policy is tested without
/// threads, sockets or disks.
///
/// - While PostgreSQL takes the cuts, they go there: the steady-state hot path never touches the disk.
/// - A COPY that keeps failing for `divertAfter` (a few seconds), or a ring that stays at least half
///   full that long (PostgreSQL is slower than intake), diverts cuts to the spool. After a failure the
///   database counts as down: every cut is spooled, and the loader probes for PostgreSQL with backoff.
/// - Once PostgreSQL answers, the spool is replayed, oldest first, a chunk after every live cut (and
///   continuously when idle), so neither live traffic nor the backlog starves the other.
struct SpoolRouting: Sendable {
    enum Route: Equatable { case copy, spool }

    let divertAfter: Duration
    /// PostgreSQL failed and has not answered since: cuts go to the spool, replay waits.
    private(set) var databaseDown = false
    private(set) var failingSince: ContinuousClock.Instant?
    private(set) var behindSince: ContinuousClock.Instant?
    private(set) var nextProbe: ContinuousClock.Instant?

    init(divertAfter: Duration) {
        self.divertAfter = divertAfter
    }

    /// Notes whether the ring is at least half full (by slots or bytes).
    mutating func observeRing(behind: Bool, at now: ContinuousClock.Instant) {
        behindSince = behind ? (behindSince ?? now) : nil
    }

    /// Where the next cut goes.
    func route(at now: ContinuousClock.Instant) -> Route {
        if databaseDown { return .spool }
        if let behindSince, now - behindSince >= divertAfter { return .spool }
        return .copy
    }

    /// A COPY of a live cut failed: retry it (`.copy`) or, once failures have lasted `divertAfter`,
    /// spool it (`.spool`).
    mutating func copyFailed(at now: ContinuousClock.Instant) -> Route {
        let since = failingSince ?? now
        failingSince = since
        return now - since >= divertAfter ? .spool : .copy
    }

    mutating func copySucceeded() {
        failingSince = nil
        databaseDown = false
        nextProbe = nil
    }

    /// PostgreSQL is considered down (a cut was spooled after failures, a replay failed, or it was not
    /// reachable at start): probe it again after `probeDelay`.
    mutating func databaseFailed(at now: ContinuousClock.Instant, probeDelay: Duration) {
        databaseDown = true
        failingSince = failingSince ?? now
        nextProbe = now + probeDelay
    }

    /// Whether the loader should try to reach PostgreSQL now.
    func shouldProbe(at now: ContinuousClock.Instant) -> Bool {
        guard databaseDown, let nextProbe else { return false }
        return now >= nextProbe
    }

    /// When the loader must wake up for a probe, if one is pending.
    var wakeUpAt: ContinuousClock.Instant? { databaseDown ? nextProbe : nil }

    /// Whether spooled records should be replayed (PostgreSQL is up and there are some).
    func shouldReplay(spoolEmpty: Bool) -> Bool { !databaseDown && !spoolEmpty }
}
