/// `[loader]`: how events move from the ring into PostgreSQL with COPY.
public struct LoaderConfig: Sendable, Equatable {
    /// Most rows in one COPY transaction (`batch_rows`, default 5000). Bigger batches mean fewer commits and
    /// higher throughput but more events redone after a failure.
    public var batchRows: Int = 5_000
    /// How long the loader waits for more rows once the ring is empty (`batch_delay`, default `0`: group commit,
    /// a batch is committed as soon as nothing more is queued, and rows arriving during its COPY form the next
    /// one, so batches grow with the load). Raise it for fewer, larger commits at low traffic, at the cost of
    /// latency for every event and for senders waiting for their commit (HTTP `200`, TCP acks).
    public var batchDelay: Duration = .zero
    /// Most PostgreSQL connections the loader COPYs on at once (`connections`, default 2, at most 16): a
    /// maximum, not a fixed count. The loader starts with two COPY streams (one if this is 1) and opens
    /// another while every stream is busy, keeping it only if rows/s rise, and gives one back when it stops paying or the load
    /// falls (`StreamScaler`). Under sustained load one COPY keeps one PostgreSQL backend — about one
    /// core — busy; a second lets PostgreSQL use another. 1 = one COPY at a time. Takes a restart. Still 2:
    /// parallel `psql \copy` scales to 4 streams on the 2-core box, but eventd with a maximum of 4 was not
    /// faster than with 2 in two runs (Benchmarks/RESULTS.md, "loader.connections 2 vs 4").
    public var connections: Int = 2
    /// First wait before retrying a failed COPY or reconnecting (`retry_initial`, default `100ms`); doubles,
    /// with jitter, after each failure.
    public var retryInitial: Duration = .milliseconds(100)
    /// Longest wait between retries (`retry_max`, default `2s`). At least `retry_initial`. The loader never
    /// gives up on its own; meanwhile the ring fills and the sources push back. While no server answers at
    /// all, a cheap ping (no login) every ~250 ms ends the wait as soon as one does, so a PostgreSQL that is
    /// up for only a second or two between outages is still used; this bound is for a server that answers
    /// but refuses (a standby not yet promoted, too many connections), retried at most this far apart.
    public var retryMax: Duration = .seconds(2)
    /// The COPY format rows are sent in (`copy_format`, `text` or `binary`, default `binary`). Binary
    /// spares PostgreSQL parsing timestamps, uuids and addresses from text; text is the fallback (and
    /// what the disk spool keeps either way). Takes a restart.
    public var copyFormat: CopyFormat = .binary

    /// More would only queue in PostgreSQL: each COPY already keeps a backend busy.
    public static let maxConnections = 16

    /// The defaults above.
    public init() {}
}
