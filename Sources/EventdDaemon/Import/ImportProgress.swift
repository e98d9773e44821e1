/// How far an import has come, as the progress bar and the periodic lines show it.
public struct ImportProgress: Sendable {
    public var file: String
    public var bytesRead: Int
    /// Bytes of all inputs on disk; nil when one is standard input or a pipe (no ETA then).
    public var bytesTotal: Int?
    public var events: Int
    public var refused: Int
    public var elapsedSeconds: Double

    public var eventsPerSecond: Double { elapsedSeconds > 0 ? Double(events + refused) / elapsedSeconds : 0 }

    public var etaSeconds: Double? { ProgressLine.eta(done: bytesRead, total: bytesTotal, elapsedSeconds: elapsedSeconds) }

    /// One line: a bar when the total is known, then events, MB, rate and ETA.
    public func render(width: Int = 24) -> String {
        ProgressLine.join(
            ProgressLine.bar(done: bytesRead, total: bytesTotal, width: width),
            ProgressLine.count(events, "events"),
            refused > 0 ? ProgressLine.count(refused, "refused") : nil,
            ProgressLine.megabytes(bytesRead, of: bytesTotal),
            ProgressLine.rate(events + refused, "events", elapsedSeconds: elapsedSeconds),
            ProgressLine.eta(etaSeconds))
    }
}
