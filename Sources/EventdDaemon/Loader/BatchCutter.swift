/// Decides when the loader cuts a COPY batch: group commit. The loader takes everything the ring
/// holds, up to `maxRows` rows, and commits as soon as the ring has nothing more to give — after
/// waiting at most `linger` (`loader.batch_delay`, default 0) from the batch's first row for more.
/// A plain value type with the clock injected, so the policy is tested without threads or sockets.
///
/// Why no fixed delay: rows that arrive while a COPY is in flight queue in the ring and form the
/// next batch, so batches grow with the load by themselves — one row at a trickle, `maxRows` under
/// overload — and no event ever waits for a timer while PostgreSQL is idle. A fixed delay made every
/// sender that waits for its commit (HTTP `200`, TCP acks) idle for it: with 50 ms, 32 HTTP
/// connections of 100 events reached 0.52× the `psql \copy` ceiling. Measured with group commit
/// (Benchmarks/RESULTS.md, runs E–H, 2026-11-25): HTTP 16 × 500 events 0.77–0.95× the ceiling of the same
/// rows, with the COPY busy back to back; ingest → visible p99 at half load 23–48 ms (134–401 ms with the
/// 50 ms delay). Under overload batches still fill to `maxRows`. The price is more, smaller commits at
/// moderate rates (~0.6 ms of PostgreSQL CPU each); a `linger` above zero trades latency for fewer.
struct BatchCutter: Sendable {
    let maxRows: Int
    let linger: Duration

    private(set) var rows = 0
    private(set) var openedAt: ContinuousClock.Instant?

    init(maxRows: Int, linger: Duration = .zero) {
        precondition(maxRows > 0, "a batch holds at least one row")
        self.maxRows = maxRows
        self.linger = linger
    }

    /// Records `count` more rows arriving at `now`; the first rows open the batch's clock.
    mutating func add(rows count: Int, at now: ContinuousClock.Instant) {
        if openedAt == nil { openedAt = now }
        rows += count
    }

    /// The batch holds `maxRows`: flush it even though the ring may hold more.
    var isFull: Bool { rows >= maxRows }

    /// When an open batch is due once the ring is empty; `nil` while nothing is pending.
    var deadline: ContinuousClock.Instant? { openedAt.map { $0 + linger } }

    /// Whether to flush now that the ring has nothing more to give.
    func isDue(at now: ContinuousClock.Instant) -> Bool {
        guard let deadline else { return false }
        return isFull || now >= deadline
    }

    /// Starts a new, empty batch.
    mutating func reset() {
        rows = 0
        openedAt = nil
    }
}
