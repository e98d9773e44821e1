/// The pieces every progress line is made of, so `import` and `spool --replay` read alike:
/// `[#####...] 42% · 1,234 events · 3.1/7.4 MB · 5,678 events/s · ETA 12 s`.
public enum ProgressLine {
    /// `[####....] 50%` for `done` of `total`; nil when the total is unknown.
    public static func bar(done: Int, total: Int?, width: Int = 24) -> String? {
        guard let total, total > 0 else { return nil }
        let filled = min(width, max(0, done) * width / total)
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(min(100, max(0, done) * 100 / total))%"
    }

    /// Seconds left at the rate so far; nil before half a second has passed or without a total.
    public static func eta(done: Int, total: Int?, elapsedSeconds: Double) -> Double? {
        guard let total, done > 0, elapsedSeconds > 0.5 else { return nil }
        return Double(total - done) / (Double(done) / elapsedSeconds)
    }

    /// `1.5 MB` or `1.5/7.4 MB`, tenths truncated.
    public static func megabytes(_ bytes: Int, of total: Int? = nil) -> String {
        total.map { "\(one(Double(bytes) / 1_048_576))/\(one(Double($0) / 1_048_576)) MB" } ?? "\(one(Double(bytes) / 1_048_576)) MB"
    }

    /// `1,234 events`.
    public static func count(_ value: Int, _ unit: String) -> String { "\(StatusReport.count(Double(value))) \(unit)" }

    /// `5,678 events/s`.
    public static func rate(_ done: Int, _ unit: String, elapsedSeconds: Double) -> String {
        "\(StatusReport.count(elapsedSeconds > 0 ? Double(done) / elapsedSeconds : 0)) \(unit)/s"
    }

    public static func eta(_ seconds: Double?) -> String? { seconds.map { "ETA \(StatusReport.duration($0))" } }

    /// The pieces that are there, joined with ` · `.
    public static func join(_ parts: String?...) -> String { parts.compactMap { $0 }.joined(separator: " · ") }

    private static func one(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}
