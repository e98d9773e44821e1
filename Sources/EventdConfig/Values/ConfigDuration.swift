/// The written form of durations in eventd's config: an integer and a unit, optionally repeated.
///
/// Units: `ms`, `s`, `m` (minutes), `h`, `d` (24 hours). Examples: `250ms`, `5s`, `1m`, `2h`, `30d`, `1h30m`.
/// A bare number is refused rather than guessed at: `300` could mean seconds or milliseconds, and a wrong
/// guess silently changes a timeout by a factor of a thousand.
public enum ConfigDuration {
    /// Parses the written form; nil if it is not valid (use the config loader for a reason).
    public static func parse(_ text: String) -> Duration? {
        try? parseResult(text).get()
    }

    /// The shortest written form of `duration`, largest units first (`1h30m`, `250ms`, `0s`).
    /// Sub-millisecond parts are dropped: the config has millisecond resolution.
    public static func format(_ duration: Duration) -> String {
        let parts = duration.components
        var milliseconds = parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        var text = milliseconds < 0 ? "-" : ""
        milliseconds = abs(milliseconds)
        for (unit, size) in units where milliseconds >= size {
            text += "\(milliseconds / size)\(unit)"
            milliseconds %= size
        }
        return text
    }

    /// Units from largest to smallest, with their size in milliseconds.
    private static let units: [(String, Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// The sentence used in errors to say what a duration looks like.
    static let expected = "a duration with a unit (ms, s, m, h, d), e.g. \"250ms\", \"5s\", \"1h30m\""

    static func parseResult(_ rawText: String) -> Result<Duration, ConfigValueFailure> {
        let text = rawText.configTrimmed()
        if text.isEmpty { return .failure(.init("an empty string is not a duration; use \(expected)")) }
        if text.allSatisfy(\.isConfigDigit) {
            return .failure(.init("'\(text)' has no unit; add one, e.g. \"\(text)s\" or \"\(text)ms\""))
        }
        if text.hasPrefix("-") { return .failure(.init("'\(text)' is negative; durations must be 0 or more")) }
        var total: Int64 = 0
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isConfigDigit)
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix(while: { $0.isASCII && $0.isLetter })
            rest = rest.dropFirst(unit.count)
            guard !digits.isEmpty, let number = Int64(digits) else {
                return .failure(.init("'\(text)' is not \(expected)"))
            }
            guard let size = units.first(where: { $0.0 == unit })?.1 else {
                let shown = unit.isEmpty ? "a missing unit" : "the unit '\(unit)'"
                return .failure(.init("'\(text)' has \(shown); use ms, s, m, h or d"))
            }
            let (part, overflow1) = number.multipliedReportingOverflow(by: size)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            if overflow1 || overflow2 { return .failure(.init("'\(text)' is too long a duration")) }
            total = sum
        }
        return .success(.milliseconds(total))
    }
}
