/// `[loader]`: how events move from the ring into PostgreSQL with COPY.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `LoaderConfig+Keys.swift`.
public struct LoaderConfig: Sendable, Equatable {
    /// `batch_rows`
    public var batchRows: Int = 5_000
    /// `batch_delay`
    public var batchDelay: Duration = .zero
    /// `connections`. Still 2: parallel `psql \copy` scales to 4 streams on the 2-core box, but eventd with a
    /// maximum of 4 was not faster than with 2 in two runs (Benchmarks/RESULTS.md, "loader.connections 2 vs 4").
    public var connections: Int = 2
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
