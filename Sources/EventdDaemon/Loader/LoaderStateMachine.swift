/// The loader thread's decisions about a cut, as a pure value: where a fresh cut goes (the spool, an
/// idle lane, this thread's own connection), and after a failed load whether to retry, spool, or —
/// once the ring is closed and `drainTimeout` has passed — give up. `LoaderService` feeds it events
/// (with the time and a jitter draw passed in) and carries the actions out against libpq and the disk;
/// `LoaderStateMachineTests` table-tests outages, recovery, the drain deadline and lane hand-back
/// with a fake clock.
///
/// Composed from the clock-injected policies: `SpoolRouting` (copy or spool, probing while down),
/// `Backoff` (between retries of one cut, and between probes); the wait itself, cut short by a ping,
/// is `ReconnectWait`'s.
///
/// The drain deadline is the loader's, not a cut's: it starts at the first failure after the ring
/// closed, so a shutdown with PostgreSQL away lasts `drainTimeout` however many cuts are left.
struct LoaderStateMachine: Sendable {
    struct Policy: Sendable, Equatable {
        var retryInitial: Duration
        var retryMax: Duration
        var drainTimeout: Duration
        /// A disk spool is configured (`[spool]`).
        var hasSpool: Bool
    }

    /// Where a fresh cut goes.
    enum Delivery: Equatable, Sendable {
        /// Append it to the disk spool (PostgreSQL is down, or the ring has been behind too long).
        case spool
        /// Hand it to an idle lane; a lane that fails hands it back (`laneHandedBack`).
        case lane
        /// Load it on this thread's connection, under the retry policy (`loadStarted`).
        case here
    }

    /// What to do with the cut being loaded on this thread.
    enum Action: Equatable, Sendable {
        /// COPY the cut (again).
        case load
        /// Committed: tell its senders.
        case confirmCommitted
        /// Append it to the spool, then report `spoolAppended` or `spoolRefused`.
        case spool
        /// The spool has it and told its senders: nothing left to do.
        case confirmedFromSpool
        /// Wait this long (a ping may cut it short), then `.load` again.
        case wait(Duration)
        /// The ring is closed and PostgreSQL stayed away past the drain deadline: count the rows as
        /// dropped and tell the senders it failed.
        case dropAtShutdown
    }

    private(set) var policy: Policy
    private(set) var routing: SpoolRouting
    /// Between probes while PostgreSQL is down (shared by every cut).
    private var probeBackoff: Backoff
    /// Between retries of the cut being loaded (fresh for each cut).
    private var retryBackoff: Backoff
    private(set) var drainDeadline: ContinuousClock.Instant?

    init(policy: Policy, divertAfter: Duration) {
        self.policy = policy
        routing = SpoolRouting(divertAfter: divertAfter)
        probeBackoff = Backoff(initial: policy.retryInitial, maximum: policy.retryMax)
        retryBackoff = probeBackoff
    }

    /// A config reload changed the retry bounds; they apply from the next cut on.
    mutating func update(retryInitial: Duration, retryMax: Duration) {
        policy.retryInitial = retryInitial
        policy.retryMax = retryMax
    }

    // MARK: - A fresh cut

    /// A cut is ready at `now`. - Parameter idleLane: whether a lane can take it.
    mutating func deliver(at now: ContinuousClock.Instant, ringBehind: Bool, idleLane: Bool) -> Delivery {
        if policy.hasSpool {
            routing.observeRing(behind: ringBehind, at: now)
            if routing.route(at: now) == .spool { return .spool }
        }
        return idleLane ? .lane : .here
    }

    /// The spool refused a fresh cut (full, disk full): PostgreSQL gets it after all.
    func spoolRefusedFreshCut(idleLane: Bool) -> Delivery {
        idleLane ? .lane : .here
    }

    // MARK: - Loading a cut on this thread

    /// Starts loading a cut here: a fresh one, or one a lane handed back.
    mutating func loadStarted() -> Action {
        retryBackoff = Backoff(initial: policy.retryInitial, maximum: policy.retryMax)
        return .load
    }

    /// A lane could not load its cut (its connection broke): this thread takes it through the retry,
    /// spool and drain policy, which lives here only, so a cut is never retried in two places.
    mutating func laneHandedBack() -> Action { loadStarted() }

    mutating func loadSucceeded() -> Action {
        databaseAnswered()
        return .confirmCommitted
    }

    /// The load failed (the connection is gone, or PostgreSQL refused it as a whole).
    /// - Parameter unit: a random number in [0, 1) for the backoff's jitter.
    mutating func loadFailed(at now: ContinuousClock.Instant, ringClosed: Bool, unit: Double) -> Action {
        // Past `divert_after` (or at shutdown) the cut goes to the spool and its senders are confirmed
        // from there; if the spool refuses it stays here and is retried.
        if policy.hasSpool, routing.copyFailed(at: now) == .spool || ringClosed { return .spool }
        return retryOrDrop(at: now, ringClosed: ringClosed, unit: unit)
    }

    /// The spool took a cut PostgreSQL could not: the database counts as down; probe it later.
    mutating func spoolAppended(at now: ContinuousClock.Instant, unit: Double) -> Action {
        databaseFailed(at: now, unit: unit)
        return .confirmedFromSpool
    }

    /// The spool refused a cut PostgreSQL could not take either: keep it and retry.
    mutating func spoolRefused(at now: ContinuousClock.Instant, ringClosed: Bool, unit: Double) -> Action {
        retryOrDrop(at: now, ringClosed: ringClosed, unit: unit)
    }

    private mutating func retryOrDrop(at now: ContinuousClock.Instant, ringClosed: Bool, unit: Double) -> Action {
        if ringClosed {
            let deadline = drainDeadline ?? now + policy.drainTimeout
            drainDeadline = deadline
            if now >= deadline { return .dropAtShutdown }
        }
        return .wait(retryBackoff.nextDelay(unit: unit))
    }

    // MARK: - The spool's probe and replay

    /// PostgreSQL answered (a load, a probe or a replay): cuts go there again and replay may start.
    mutating func databaseAnswered() {
        routing.copySucceeded()
        probeBackoff.reset()
    }

    /// PostgreSQL (or the spool's disk, during replay) failed: count the database as down and probe
    /// again after the next backoff delay.
    mutating func databaseFailed(at now: ContinuousClock.Instant, unit: Double) {
        routing.databaseFailed(at: now, probeDelay: probeBackoff.nextDelay(unit: unit))
    }

    mutating func observeRing(behind: Bool, at now: ContinuousClock.Instant) {
        routing.observeRing(behind: behind, at: now)
    }
}
