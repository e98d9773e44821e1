/// `[loader]`: how events move from the ring into PostgreSQL with COPY.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `LoaderConfig+Keys.swift`.
public struct LoaderConfig: Sendable, Equatable {
    /// `batch_rows`
    public var batchRows: Int = 5_000
    /// `batch_delay`
    public var batchDelay: Duration = .zero
    /// `connections`. 4 since 2026-12-05: parallel `psql \copy` scales to 4 streams on the 2-core box, and once
    /// a stream stopped holding its cut's whole COPY payload, TCP flat out with a maximum of 4 reached 1.09–1.10×
    /// the best parallel text ceiling (2: 0.87–0.95×) at 115 MB peak RSS under overload (Benchmarks/RESULTS.md,
    /// "Memory of cuts in flight").
    public var connections: Int = 4
    /// `retry_initial`
    public var retryInitial: Duration = .milliseconds(100)
    /// `retry_max`
    public var retryMax: Duration = .seconds(2)
    /// `copy_format`
    public var copyFormat: CopyFormat = .binary

    /// More would only queue in PostgreSQL: each COPY already keeps a backend busy.
    public static let maxConnections = 16

    /// The defaults above.
    public init() {}
}
