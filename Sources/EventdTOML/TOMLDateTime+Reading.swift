extension TOMLDateTime {
    /// Reads a token `TOMLReader.isDateOrTime` accepted; nil when a field is out of range or the date does
    /// not exist (`1979-02-30`). Ranges as tomllib's: seconds to 59, offsets to ±23:59, years from 1.
    init?(_ token: [UInt8]) {
        var rest = token[...]
        func number(_ count: Int) -> Int {
            let value = rest.prefix(count).reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            rest.removeFirst(count)
            return value
        }
        func skip() { rest.removeFirst() }
        let hasDate = token.count >= 10 && token[token.startIndex + 4] == UInt8(ascii: "-")
        let hasTime = !hasDate || token.count > 10
        self.init(kind: hasDate ? (hasTime ? .localDateTime : .localDate) : .localTime)
        if hasDate {
            year = number(4); skip(); month = number(2); skip(); day = number(2)
            guard year >= 1, (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day) else { return nil }
            if hasTime { skip() }
        }
        if hasTime {
            hour = number(2); skip(); minute = number(2); skip(); second = number(2)
            guard hour <= 23, minute <= 59, second <= 59 else { return nil }
            if rest.first == UInt8(ascii: ".") {
                skip()
                let digits = rest.prefix { TOMLReader.isDecimal($0) }
                var scale = 100_000_000
                for digit in digits.prefix(9) {
                    nanosecond += Int(digit - UInt8(ascii: "0")) * scale
                    scale /= 10
                }
                rest.removeFirst(digits.count)
            }
            if let sign = rest.first {
                kind = .offsetDateTime
                if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                    offsetMinutes = 0
                } else {
                    skip()
                    let hours = number(2)
                    skip()
                    let minutes = number(2)
                    guard hours <= 23, minutes <= 59 else { return nil }
                    offsetMinutes = (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 60 + minutes)
                }
            }
        }
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
