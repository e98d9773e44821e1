/// Where the loader puts the batches it pops from the ring.
public enum LoaderSink: String, Sendable, CaseIterable {
    /// COPY into PostgreSQL (the daemon's purpose).
    case postgres
    /// Pop, count the rows as committed, confirm to senders, and discard: measures the daemon's
    /// own CPU cost (sources, decoding, ring) without PostgreSQL. For benchmarks only.
    case null
}
