/// Instants on the hot path are plain `Int64` microseconds since 1970-01-01T00:00:00Z (UTC),
/// the resolution of PostgreSQL's timestamptz. This namespace holds the calendar arithmetic and
/// the hand-written ISO-8601 parser; Foundation's date parsing costs ~1 µs per call and allocates.
public enum Timestamp {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerDay: Int64 = 86_400 * 1_000_000
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: the span we can format as 4-digit years.
    public static let minMicros: Int64 = daysFromCivil(year: 1, month: 1, day: 1) * microsPerDay
    public static let maxMicros: Int64 = (daysFromCivil(year: 9999, month: 12, day: 31) + 1) * microsPerDay - 1

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    @inline(__always)
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day number (inverse of `daysFromCivil`).
    @inline(__always)
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    @inline(__always)
    static func isLeapYear(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    @inline(__always)
    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return isLeapYear(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `YYYY-MM-DD(T|t| )HH:MM:SS[.f{1,9}](Z|z|±HH:MM|±HHMM|±HH)` into µs since the epoch (UTC).
    /// Fractions beyond µs are truncated (not rounded) so a resent event maps to the same instant.
    /// A leap second `:60` is accepted and rolls into the next minute, as PostgreSQL does.
    /// Returns nil for anything else, including dates that do not exist (2023-02-29).
    public static func parseISO8601(_ p: UnsafePointer<UInt8>, count n: Int) -> Int64? {
        // Fixed part "YYYY-MM-DDTHH:MM:SS" is 19 bytes, plus at least one byte of zone.
        guard n >= 20, n <= 40 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int64? {
            let d = p[i] &- 48
            return d < 10 ? Int64(d) : nil
        }
        @inline(__always) func two(_ i: Int) -> Int64? {
            guard let a = digit(i), let b = digit(i + 1) else { return nil }
            return a * 10 + b
        }
        guard let y1 = two(0), let y2 = two(2), p[4] == 0x2D, let month = two(5), p[7] == 0x2D,
              let day = two(8), p[10] == 0x54 || p[10] == 0x20 || p[10] == 0x74,
              let hour = two(11), p[13] == 0x3A, let minute = two(14), p[16] == 0x3A, let second = two(17)
        else { return nil }
        let year = y1 * 100 + y2
        guard year >= 1, month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if p[i] == 0x2E || p[i] == 0x2C {  // '.' or ','
            i += 1
            let fracStart = i
            var scale: Int64 = 100_000
            while i < n, let d = digit(i) {
                fraction += d * scale
                scale /= 10
                i += 1
            }
            let digits = i - fracStart
            guard digits >= 1, digits <= 9 else { return nil }
        }
        guard i < n else { return nil }
        var offsetSeconds: Int64 = 0
        switch p[i] {
        case 0x5A, 0x7A:  // Z z
            i += 1
        case 0x2B, 0x2D:  // + -
            let sign: Int64 = p[i] == 0x2D ? -1 : 1
            i += 1
            guard i + 2 <= n, let oh = two(i) else { return nil }
            i += 2
            var om: Int64 = 0
            if i < n {
                if p[i] == 0x3A { i += 1 }
                guard i + 2 <= n, let m = two(i) else { return nil }
                om = m
                i += 2
            }
            guard oh <= 23, om <= 59 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        default:
            return nil
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let micros = secs * microsPerSecond + fraction
        guard micros >= minMicros, micros <= maxMicros else { return nil }
        return micros
    }

    /// Convenience for tests and configuration (not the hot path).
    public static func parseISO8601(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { b in b.baseAddress.flatMap { parseISO8601($0, count: b.count) } }
    }
}
