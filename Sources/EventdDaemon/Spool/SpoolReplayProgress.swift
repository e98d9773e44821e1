/// How far `eventd spool --replay` has come, for its progress line.
public struct SpoolReplayProgress: Sendable {
    /// Records (batches) and bytes waiting when the replay started.
    public var recordsTotal: Int
    public var bytesTotal: Int
    /// What was committed so far.
    public var report = SpoolReplayReport()
    public var bytes = 0
    public var elapsedSeconds = 0.0

    public init(recordsTotal: Int, bytesTotal: Int) {
        self.recordsTotal = recordsTotal
        self.bytesTotal = bytesTotal
    }

    /// `[####....] 50% · 120/240 records · 6,000 rows · 1.2/2.4 MB · 3,000 rows/s · ETA 2 s`.
    public func render(width: Int = 24) -> String {
        let rows = report.inserted + report.duplicates + report.refused
        return ProgressLine.join(
            ProgressLine.bar(done: bytes, total: bytesTotal, width: width),
            "\(StatusReport.count(Double(report.records)))/\(StatusReport.count(Double(recordsTotal))) records",
            ProgressLine.count(rows, "rows"),
            ProgressLine.megabytes(bytes, of: bytesTotal),
            ProgressLine.rate(rows, "rows", elapsedSeconds: elapsedSeconds),
            ProgressLine.eta(ProgressLine.eta(done: bytes, total: bytesTotal, elapsedSeconds: elapsedSeconds)))
    }
}
