/// `[loader]`: how events move from the ring into PostgreSQL with COPY.
public struct LoaderConfig: Sendable, Equatable {
    /// Most rows in one COPY transaction (`batch_rows`, default 5000). Bigger batches mean fewer commits and
    /// higher throughput but more events redone after a failure.
    public var batchRows: Int = 5_000
    /// Longest an event waits for its COPY batch to fill (`batch_delay`, default `50ms`). It bounds how stale
    /// the events table is at low traffic; lower it for fresher data, raise it for fewer, larger commits.
    public var batchDelay: Duration = .milliseconds(50)
    /// First wait before retrying a failed COPY or reconnecting (`retry_initial`, default `100ms`); doubles,
    /// with jitter, after each failure.
    public var retryInitial: Duration = .milliseconds(100)
    /// Longest wait between retries (`retry_max`, default `10s`). At least `retry_initial`. The loader never
    /// gives up on its own; meanwhile the ring fills and the sources push back.
    public var retryMax: Duration = .seconds(10)

    /// The defaults above.
    public init() {}
}
