/// Values written without quotes or brackets: booleans, integers, floats, dates and times, each by TOML 1.0's
/// grammar, then read for their value (an integer within 64 bits, a date that exists).
///
/// Matched by hand rather than with Regex: Regex made the syntax check slower than a whole parse by toml++, and the
/// fuzz targets run it for every input.
extension TOMLReader {
    mutating func bareValue() throws(TOMLError) -> TOMLValue {
        let start = cursor
        var token = Array(cursor.consume(while: Self.isBareValueCharacter))
        // A date and a time may be separated by a space (`1979-05-27 07:32:00`), as in tomllib.
        if Self.isDate(token), cursor.current == UInt8(ascii: " "), let next = cursor.byte(at: 1), Self.isDecimal(next) {
            cursor.advance()
            token += [UInt8(ascii: " ")] + cursor.consume(while: Self.isBareValueCharacter)
        }
        guard Self.isBareValue(token) else {
            throw start.failure(
                expected: "a value: a \"string\" (text needs quotes), a number, true or false, a date, [an array] or {an inline table}",
                foundLength: token.count)
        }
        guard let value = Self.bareValueContent(token) else {
            throw TOMLError(.meaning, at: start.position, Self.outOfRange(token))
        }
        return value
    }

    /// The value of a token `isBareValue` accepted; nil when it is out of range (an integer past 64 bits, a
    /// date or time that does not exist).
    static func bareValueContent(_ token: [UInt8]) -> TOMLValue? {
        if token.elementsEqual("true".utf8) { return .boolean(true) }
        if token.elementsEqual("false".utf8) { return .boolean(false) }
        if isInteger(token) { return integerValue(token).map(TOMLValue.integer) }
        if isFloat(token) { return .float(floatValue(token)) }
        return TOMLDateTime(token).map(TOMLValue.dateTime)
    }

    private static func outOfRange(_ token: [UInt8]) -> String {
        let text = String(decoding: token, as: UTF8.self)
        if isInteger(token) { return "integer \(text) does not fit in 64 bits (-2^63 to 2^63-1)" }
        return "\(text) is not a date or time that exists"
    }

    private static func integerValue(_ token: [UInt8]) -> Int? {
        let digits = String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
            return Int(digits.dropFirst(2), radix: radix)
        }
        return Int(digits)
    }

    private static func floatValue(_ token: [UInt8]) -> Double {
        let text = String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        let negative = text.hasPrefix("-")
        let unsigned = text.drop { $0 == "+" || $0 == "-" }
        switch unsigned {
        case "inf": return negative ? -.infinity : .infinity
        case "nan": return negative ? -.nan : .nan
        // The grammar was checked, so Double reads it; it rounds past a double's range to ±infinity, as tomllib.
        default: return Double(text) ?? .nan
        }
    }

    static func isBareValue(_ token: [UInt8]) -> Bool {
        token.elementsEqual("true".utf8) || token.elementsEqual("false".utf8) || isInteger(token) || isFloat(token)
            || isDateOrTime(token)
    }

    /// `+1_000`, `0`, `0xdead_beef`, `0o755`, `0b1010` (no sign and no leading zeros but the prefixes').
    static func isInteger(_ token: [UInt8]) -> Bool {
        let prefixed: [(String, (UInt8) -> Bool)] = [("0x", { hexValue($0) != nil }), ("0o", isOctal), ("0b", isBinary)]
        for (prefix, isDigit) in prefixed where token.starts(with: prefix.utf8) {
            var shape = Shape(token.dropFirst(2))
            return shape.digits(isDigit) && shape.isAtEnd
        }
        var shape = Shape(token[...])
        return shape.decimalInteger() && shape.isAtEnd
    }

    /// `3.14`, `-0.01`, `5e+22`, `6.626e-34`, `1_000.5`, `inf`, `-nan`: a fraction, an exponent or both.
    static func isFloat(_ token: [UInt8]) -> Bool {
        var shape = Shape(token[...])
        var unsigned = shape
        _ = unsigned.take(UInt8(ascii: "+")) || unsigned.take(UInt8(ascii: "-"))
        if unsigned.rest.elementsEqual("inf".utf8) || unsigned.rest.elementsEqual("nan".utf8) { return true }
        guard shape.decimalInteger() else { return false }
        let fraction = shape.take(UInt8(ascii: "."))
        if fraction && !shape.digits(isDecimal) { return false }
        let exponent = shape.take(UInt8(ascii: "e")) || shape.take(UInt8(ascii: "E"))
        if exponent {
            _ = shape.take(UInt8(ascii: "+")) || shape.take(UInt8(ascii: "-"))
            if !shape.digits(isDecimal) { return false }
        }
        return (fraction || exponent) && shape.isAtEnd
    }

    /// `1979-05-27`, `07:32:00.999`, `1979-05-27T07:32:00`, `1979-05-27 07:32:00-07:00` (seconds required in 1.0).
    static func isDateOrTime(_ token: [UInt8]) -> Bool {
        var shape = Shape(token[...])
        if shape.time() { return shape.isAtEnd }
        guard shape.date() else { return false }
        if shape.isAtEnd { return true }
        guard shape.take(UInt8(ascii: "T")) || shape.take(UInt8(ascii: "t")) || shape.take(UInt8(ascii: " ")),
            shape.time()
        else { return false }
        if shape.take(UInt8(ascii: "Z")) || shape.take(UInt8(ascii: "z")) { return shape.isAtEnd }
        if shape.take(UInt8(ascii: "+")) || shape.take(UInt8(ascii: "-")) {
            return shape.fixedDigits(2) && shape.take(UInt8(ascii: ":")) && shape.fixedDigits(2) && shape.isAtEnd
        }
        return shape.isAtEnd
    }

    static func isDate(_ token: [UInt8]) -> Bool {
        var shape = Shape(token[...])
        return shape.date() && shape.isAtEnd
    }

    /// What makes up one bare value (up to a space, `,`, `]`, `}`, `#` or line end), narrowed to ASCII.
    static func isBareValueCharacter(_ byte: UInt8) -> Bool {
        isBareKey(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    static func isDecimal(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    static func isOctal(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) }
    static func isBinary(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") }

    /// Reads one bare value's bytes front to back; each method consumes what it matched, or reports false.
    private struct Shape {
        var rest: ArraySlice<UInt8>

        init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

        var isAtEnd: Bool { rest.isEmpty }

        mutating func take(_ byte: UInt8) -> Bool {
            guard rest.first == byte else { return false }
            rest.removeFirst()
            return true
        }

        /// `digit (_? digit)*`: underscores only between digits.
        mutating func digits(_ isDigit: (UInt8) -> Bool) -> Bool {
            guard let first = rest.first, isDigit(first) else { return false }
            rest.removeFirst()
            while let next = rest.first {
                if isDigit(next) {
                    rest.removeFirst()
                } else if next == UInt8(ascii: "_"), rest.count > 1, isDigit(rest[rest.startIndex + 1]) {
                    rest.removeFirst(2)
                } else {
                    break
                }
            }
            return true
        }

        /// An optional sign, then `0` or a digit run without a leading zero.
        mutating func decimalInteger() -> Bool {
            _ = take(UInt8(ascii: "+")) || take(UInt8(ascii: "-"))
            if take(UInt8(ascii: "0")) { return true }
            guard let first = rest.first, first != UInt8(ascii: "0") else { return false }
            return digits(TOMLReader.isDecimal)
        }

        mutating func fixedDigits(_ count: Int) -> Bool {
            guard rest.count >= count, rest.prefix(count).allSatisfy(TOMLReader.isDecimal) else { return false }
            rest.removeFirst(count)
            return true
        }

        /// `YYYY-MM-DD`
        mutating func date() -> Bool {
            fixedDigits(4) && take(UInt8(ascii: "-")) && fixedDigits(2) && take(UInt8(ascii: "-")) && fixedDigits(2)
        }

        /// `HH:MM:SS` and an optional fraction; consumes nothing when it does not match.
        mutating func time() -> Bool {
            let saved = rest
            guard fixedDigits(2), take(UInt8(ascii: ":")), fixedDigits(2), take(UInt8(ascii: ":")), fixedDigits(2) else {
                rest = saved
                return false
            }
            if take(UInt8(ascii: ".")) {
                guard fixedDigits(1) else { return false }
                rest = rest.drop(while: TOMLReader.isDecimal)
            }
            return true
        }
    }
}
