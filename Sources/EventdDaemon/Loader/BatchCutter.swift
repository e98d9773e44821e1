/// Decides when the loader cuts a COPY batch: when it holds `maxRows` rows, or when its oldest
/// row has waited `maxDelay`. A plain value type with the clock injected, so the policy is tested
/// without threads or sockets.
///
/// Bigger batches amortise the per-COPY round trip and the commit's WAL flush; the delay bounds the
/// ingest → visible latency at low rates. Measured (Benchmarks/RESULTS.md): an event waits up to
/// `maxDelay` for its batch and then for the batch's COPY and commit, so p99 ≈ maxDelay + one COPY.
/// At half of max load (~27k events/s on the 2-core box) 200 ms gave p99 ≈ 290 ms; 50 ms gives
/// ≈ 140 ms, still at ~20 commits/s. Under overload batches fill to `maxRows` before the delay
/// matters, so throughput is unchanged.
struct BatchCutter: Sendable {
    let maxRows: Int
    let maxDelay: Duration

    private(set) var rows = 0
    private(set) var openedAt: ContinuousClock.Instant?

    init(maxRows: Int, maxDelay: Duration) {
        precondition(maxRows > 0, "a batch holds at least one row")
        self.maxRows = maxRows
        self.maxDelay = maxDelay
    }

    /// Records `count` more rows arriving at `now`; the first rows open the batch's clock.
    mutating func add(rows count: Int, at now: ContinuousClock.Instant) {
        if openedAt == nil { openedAt = now }
        rows += count
    }

    /// When the open batch must be flushed at the latest; `nil` while nothing is pending.
    var deadline: ContinuousClock.Instant? { openedAt.map { $0 + maxDelay } }

    /// Whether the batch should be flushed now.
    func shouldFlush(at now: ContinuousClock.Instant) -> Bool {
        guard let deadline else { return false }
        return rows >= maxRows || now >= deadline
    }

    /// Starts a new, empty batch.
    mutating func reset() {
        rows = 0
        openedAt = nil
    }
}
