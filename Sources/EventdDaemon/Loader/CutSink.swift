import EventdPostgres
import Logging
import EventdCore

/// Where the loader's cuts go, one connection's worth: PostgreSQL through COPY (`CopyLoader`) or
/// nowhere (`NullCutSink`, benchmarks). The loader thread and each lane own one; what the sink is
/// never shows up as a branch in the loader's flow.
protocol CutSink: AnyObject {
    /// Whether more than one of these loading at once can go faster (a second PostgreSQL backend can;
    /// discarding cannot), so the loader opens lanes only for sinks that pay for them.
    var loadsInParallel: Bool { get }
    /// `host:port` of the server loaded into, if there is one and it is connected.
    var server: String? { get }
    /// Opens the connection if there is none. - Throws: the connection error.
    func open() throws
    /// Loads every row of `batches`: on return each is committed, a duplicate, or dead-lettered.
    /// - Throws: when nothing is known to be committed; the caller retries the same cut.
    func load(_ batches: [IngestBatch]) throws -> LoadReport
    func disconnect()
}

extension CopyLoader: CutSink {
    var loadsInParallel: Bool { true }
    func open() throws { _ = try connectIfNeeded() }
}

extension LoaderSink {
    /// One sink of this kind; `connect` opens a PostgreSQL connection for the COPY sink, which sends
    /// its rows in `format`.
    func make(logger: Logger, format: CopyFormat,
              connect: @escaping @Sendable () throws -> PostgresConnection) -> any CutSink {
        switch self {
        case .postgres: CopyLoader(logger: logger, format: format, connect: connect)
        case .null: NullCutSink()
        }
    }
}
