/// When each of a periodic service's jobs is due: a plain value, so the timing rules are tested with
/// made-up instants instead of sleeping (see `PeriodicScheduleTests`).
///
/// Every job is due at start (partitions and a fresh rollup should not wait a whole interval after a
/// restart). The next run is measured from the end of the previous one (`.afterEnd`), or from its actual
/// start (`.fromStart`), never from its planned start, so a run that overruns its interval is not
/// followed by a burst of catch-up runs (`.fromStart` runs once more at once, then keeps its cadence).
struct PeriodicSchedule<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    let intervals: [Duration]
    let cadences: [PeriodicCadence]
    private(set) var nextRun: [Instant]

    /// - Parameters:
    ///   - intervals: one positive interval per job, in job order.
    ///   - cadences: per job, where its interval is measured from (default: all `.afterEnd`).
    ///   - start: when the service starts; every job is due then.
    init(intervals: [Duration], cadences: [PeriodicCadence]? = nil, start: Instant) {
        precondition(!intervals.isEmpty && intervals.allSatisfy { $0 > .zero }, "intervals must be positive")
        precondition(cadences == nil || cadences?.count == intervals.count, "one cadence per job")
        self.intervals = intervals
        self.cadences = cadences ?? Array(repeating: .afterEnd, count: intervals.count)
        self.nextRun = Array(repeating: start, count: intervals.count)
    }

    /// The jobs due at `now`, in job order.
    func due(at now: Instant) -> [Int] {
        nextRun.indices.filter { nextRun[$0] <= now }
    }

    /// The earliest instant at which some job is due.
    var nextDeadline: Instant { nextRun.min()! }

    /// Job `job`, started at `started` (default: `now`), finished successfully at `now`: next due one
    /// interval after its end or its start, by its cadence.
    mutating func completed(_ job: Int, started: Instant? = nil, at now: Instant) {
        let from = cadences[job] == .fromStart ? (started ?? now) : now
        nextRun[job] = from.advanced(by: intervals[job])
    }

    /// Job `job` failed at `now`: retry after `retryAfter`, but never later than its regular interval.
    mutating func failed(_ job: Int, at now: Instant, retryAfter: Duration) {
        nextRun[job] = now.advanced(by: min(retryAfter, intervals[job]))
    }
}
