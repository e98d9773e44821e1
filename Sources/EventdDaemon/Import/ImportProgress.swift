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

    public var etaSeconds: Double? {
        guard let total = bytesTotal, bytesRead > 0, elapsedSeconds > 0.5 else { return nil }
        return Double(total - bytesRead) / (Double(bytesRead) / elapsedSeconds)
    }

    /// One line: a bar when the total is known, then events, MB, rate and ETA.
    public func render(width: Int = 24) -> String {
        var parts: [String] = []
        if let total = bytesTotal, total > 0 {
            let done = min(width, bytesRead * width / total)
            let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
            parts.append("[\(bar)] \(min(100, bytesRead * 100 / total))%")
        }
        parts.append("\(StatusReport.count(Double(events))) events")
        if refused > 0 { parts.append("\(StatusReport.count(Double(refused))) refused") }
        let megabytes = Double(bytesRead) / 1_048_576
        parts.append(bytesTotal.map { "\(Self.one(megabytes))/\(Self.one(Double($0) / 1_048_576)) MB" } ?? "\(Self.one(megabytes)) MB")
        parts.append("\(StatusReport.count(eventsPerSecond)) events/s")
        if let eta = etaSeconds { parts.append("ETA \(StatusReport.duration(eta))") }
        return parts.joined(separator: " · ")
    }

    private static func one(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
