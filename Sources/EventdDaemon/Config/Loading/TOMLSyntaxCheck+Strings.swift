/// TOML's four kinds of strings, for `TOMLSyntaxCheck`: where each ends, its escapes, and the characters it may hold.
extension TOMLSyntaxCheck {
    /// `"…"` with escapes, on one line.
    mutating func basicString() throws(TOMLSyntaxFailure) {
        try singleLineString(quote: UInt8(ascii: "\""), hasEscapes: true)
    }

    /// `'…'`, verbatim, on one line.
    mutating func literalString() throws(TOMLSyntaxFailure) {
        try singleLineString(quote: UInt8(ascii: "'"), hasEscapes: false)
    }

    /// `"""…"""` with escapes over several lines; a line end right after the opening quotes is not part of it.
    mutating func multiLineBasicString() throws(TOMLSyntaxFailure) {
        try multiLineString(quote: UInt8(ascii: "\""), hasEscapes: true)
    }

    /// `'''…'''`, verbatim, over several lines; a line end right after the opening quotes is not part of it.
    mutating func multiLineLiteralString() throws(TOMLSyntaxFailure) {
        try multiLineString(quote: UInt8(ascii: "'"), hasEscapes: false)
    }

    private mutating func singleLineString(quote: UInt8, hasEscapes: Bool) throws(TOMLSyntaxFailure) {
        let opening = cursor.column
        cursor.advance()
        while true {
            switch cursor.current {
            case quote:
                cursor.advance()
                return
            case UInt8(ascii: "\\") where hasEscapes:
                try escape()
            case nil, 0x0A, 0x0D:
                throw cursor.failure(expected: "\(Self.shown(quote, count: 1)) to close the string opened at column \(opening)")
            case let byte? where Self.isControl(byte):
                throw controlCharacterInString()
            default:
                cursor.advance()
            }
        }
    }

    private mutating func multiLineString(quote: UInt8, hasEscapes: Bool) throws(TOMLSyntaxFailure) {
        let (line, column) = (cursor.line, cursor.column)
        cursor.advance(3)
        _ = cursor.consumeNewline()
        while true {
            if cursor.isAt(quote, count: 3) { return closeMultiLineString(quote: quote) }
            if cursor.consumeNewline() { continue }
            switch cursor.current {
            case UInt8(ascii: "\\") where hasEscapes:
                if try !lineEndingBackslash() { try escape() }
            case nil:
                throw cursor.failure(
                    expected: "\(Self.shown(quote, count: 3)) to close the string opened at line \(line), column \(column)")
            case let byte? where Self.isControl(byte):
                throw controlCharacterInString()
            default:
                cursor.advance()
            }
        }
    }

    /// `'"'`, `"'''"`: closing quotes as a message shows them.
    private static func shown(_ quote: UInt8, count: Int) -> String {
        let quotes = String(repeating: Character(Unicode.Scalar(quote)), count: count)
        return quote == UInt8(ascii: "'") ? "\"\(quotes)\"" : "'\(quotes)'"
    }

    /// The first three quotes in a row close a multi-line string; up to two more right after them are its
    /// last characters (`""""` ends a string with `"`). toml++ reads them the same way.
    private mutating func closeMultiLineString(quote: UInt8) {
        cursor.advance(3)
        for _ in 0..<2 where cursor.current == quote { cursor.advance() }
    }

    /// In a multi-line basic string, `\` as the last thing on its line joins the next non-blank text to it.
    /// Returns false (consuming nothing) when the backslash starts an ordinary escape instead.
    private mutating func lineEndingBackslash() throws(TOMLSyntaxFailure) -> Bool {
        guard let next = cursor.byte(at: 1), next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D else {
            return false
        }
        cursor.advance()
        cursor.skipSpaces()
        guard cursor.consumeNewline() else {
            throw cursor.failure(expected: "the end of the line after a line-ending backslash")
        }
        while true {
            cursor.skipSpaces()
            guard cursor.consumeNewline() else { return true }
        }
    }

    /// `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX` — TOML 1.0 has no others.
    private mutating func escape() throws(TOMLSyntaxFailure) {
        cursor.advance()
        switch cursor.current {
        case UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "f"), UInt8(ascii: "r"),
            UInt8(ascii: "\""), UInt8(ascii: "\\"):
            cursor.advance()
        case UInt8(ascii: "u"):
            try unicodeEscape(digits: 4)
        case UInt8(ascii: "U"):
            try unicodeEscape(digits: 8)
        default:
            throw cursor.failure(expected: "an escape: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX or \\UXXXXXXXX")
        }
    }

    private mutating func unicodeEscape(digits: Int) throws(TOMLSyntaxFailure) {
        cursor.advance()
        let start = cursor
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = cursor.current, let digit = Self.hexValue(byte) else {
                throw cursor.failure(expected: "\(digits) hexadecimal digits in a \\\(digits == 4 ? "u" : "U") escape")
            }
            value = value &* 16 &+ digit
            cursor.advance()
        }
        guard Unicode.Scalar(value) != nil else {
            throw start.failure(
                expected: "a Unicode scalar value in the escape (not a surrogate, at most 10FFFF)", foundLength: digits)
        }
    }

    private func controlCharacterInString() -> TOMLSyntaxFailure {
        cursor.failure(expected: "a character that may stand in a string (write control characters as escapes, e.g. \\u0001)")
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
