/// Values written without quotes or brackets, for `TOMLSyntaxCheck`: booleans, integers, floats, dates and
/// times, each by TOML 1.0's grammar. Their range (an int64, a real date) is toml++'s to check.
extension TOMLSyntaxCheck {
    mutating func bareValue() throws(TOMLSyntaxFailure) {
        let start = cursor
        var token = String(decoding: cursor.consume(while: Self.isBareValueCharacter), as: UTF8.self)
        // A date and a time may be separated by a space (`1979-05-27 07:32:00`); toml++ reads on the same way.
        if token.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil, cursor.current == UInt8(ascii: " "),
            let next = cursor.byte(at: 1), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next)
        {
            cursor.advance()
            token += " " + String(decoding: cursor.consume(while: Self.isBareValueCharacter), as: UTF8.self)
        }
        guard Self.isBareValue(token) else {
            throw start.failure(
                expected: "a value: a \"string\" (text needs quotes), a number, true or false, a date, [an array] or {an inline table}",
                foundLength: token.utf8.count)
        }
    }

    static func isBareValue(_ token: String) -> Bool {
        token == "true" || token == "false" || isInteger(token) || isFloat(token) || isDateOrTime(token)
    }

    /// `+1_000`, `0`, `0xdead_beef`, `0o755`, `0b1010` (no sign and no leading zeros but the prefixes').
    static func isInteger(_ token: String) -> Bool {
        token.wholeMatch(of: /[+-]?(0|[1-9](_?[0-9])*)/) != nil
            || token.wholeMatch(of: /0x[0-9A-Fa-f](_?[0-9A-Fa-f])*|0o[0-7](_?[0-7])*|0b[01](_?[01])*/) != nil
    }

    /// `3.14`, `-0.01`, `5e+22`, `6.626e-34`, `1_000.5`, `inf`, `-nan`: a fraction, an exponent or both.
    static func isFloat(_ token: String) -> Bool {
        token.wholeMatch(
            of: /[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?|[eE][+-]?[0-9](_?[0-9])*)/
        ) != nil || token.wholeMatch(of: /[+-]?(inf|nan)/) != nil
    }

    /// `1979-05-27`, `07:32:00.999`, `1979-05-27T07:32:00`, `1979-05-27 07:32:00-07:00` (seconds required in 1.0).
    static func isDateOrTime(_ token: String) -> Bool {
        token.wholeMatch(
            of: /[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?/
        ) != nil || token.wholeMatch(of: /[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?/) != nil
    }

    /// What toml++ reads as one bare value (up to a space, `,`, `]`, `}`, `#` or line end), narrowed to ASCII.
    static func isBareValueCharacter(_ byte: UInt8) -> Bool {
        isBareKey(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
}
