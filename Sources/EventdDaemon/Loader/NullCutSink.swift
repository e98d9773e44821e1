import EventdCore

/// The null sink (`loader.sink = "null"`): every row counts as committed and every sender is told so;
/// nothing is stored. Measures the daemon's own cost (sources, decoding, ring) without PostgreSQL.
final class NullCutSink: CutSink {
    var loadsInParallel: Bool { false }
    var server: String? { nil }
    func open() {}
    func disconnect() {}

    func load(_ batches: [IngestBatch]) -> LoadReport {
        LoadReport(inserted: batches.reduce(0) { $0 + $1.events.rowCount }, duplicates: 0, refused: [])
    }
}
