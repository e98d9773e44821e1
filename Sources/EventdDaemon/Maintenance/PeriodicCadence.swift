/// Where a periodic job's next run is measured from.
public enum PeriodicCadence: Sendable, Equatable {
    /// One interval after the last run ended: a pause between runs (partitions, retention).
    case afterEnd
    /// One interval after the last run started, or at once if the run took longer: a job whose output
    /// ages with the wall clock (the rollup's watermark) is then at most one interval plus one run old.
    case fromStart
}
