/// A TOML date, time or date-time as written: which parts it has, and its offset when it has one.
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case offsetDateTime, localDateTime, localDate, localTime

        var typeName: String {
            switch self {
            case .offsetDateTime: "an offset date-time"
            case .localDateTime: "a local date-time"
            case .localDate: "a local date"
            case .localTime: "a local time"
            }
        }
    }

    public var year = 0, month = 0, day = 0
    public var hour = 0, minute = 0, second = 0
    /// The fraction of the second to the nanosecond; digits past the ninth are dropped.
    public var nanosecond = 0
    /// Minutes east of UTC, for an offset date-time (`Z` is 0).
    public var offsetMinutes: Int?
    public var kind: Kind

    public init(kind: Kind) { self.kind = kind }

    /// RFC 3339 text: `1979-05-27T07:32:00.999-07:00`, `07:32:00`, `1979-05-27`; `Z` as `+00:00`.
    public var description: String {
        var parts: [String] = []
        if kind != .localTime { parts.append("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))") }
        if kind != .localDate {
            var time = "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
            if nanosecond != 0 {
                var fraction = pad(nanosecond, 9)
                while fraction.hasSuffix("0") { fraction.removeLast() }
                time += "." + fraction
            }
            if let offsetMinutes {
                let magnitude = abs(offsetMinutes)
                time += (offsetMinutes < 0 ? "-" : "+") + "\(pad(magnitude / 60, 2)):\(pad(magnitude % 60, 2))"
            }
            parts.append(time)
        }
        return parts.joined(separator: "T")
    }

    private func pad(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
