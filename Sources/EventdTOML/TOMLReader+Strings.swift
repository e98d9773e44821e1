/// TOML's four kinds of strings: where each ends, its escapes, and the characters it may hold.
extension TOMLReader {
    /// `"…"` with escapes, on one line.
    mutating func basicString() throws(TOMLError) -> String {
        try singleLineString(quote: UInt8(ascii: "\""), hasEscapes: true)
    }

    /// `'…'`, verbatim, on one line.
    mutating func literalString() throws(TOMLError) -> String {
        try singleLineString(quote: UInt8(ascii: "'"), hasEscapes: false)
    }

    /// `"""…"""` with escapes over several lines; a line end right after the opening quotes is not part of it.
    mutating func multiLineBasicString() throws(TOMLError) -> String {
        try multiLineString(quote: UInt8(ascii: "\""), hasEscapes: true)
    }

    /// `'''…'''`, verbatim, over several lines; a line end right after the opening quotes is not part of it.
    mutating func multiLineLiteralString() throws(TOMLError) -> String {
        try multiLineString(quote: UInt8(ascii: "'"), hasEscapes: false)
    }

    private mutating func singleLineString(quote: UInt8, hasEscapes: Bool) throws(TOMLError) -> String {
        let opening = cursor.column
        cursor.advance()
        var text: [UInt8] = []
        while true {
            switch cursor.current {
            case quote:
                cursor.advance()
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\") where hasEscapes:
                try escape(into: &text)
            case nil, 0x0A, 0x0D:
                throw cursor.failure(expected: "\(Self.shown(quote, count: 1)) to close the string opened at column \(opening)")
            case let byte? where Self.isControl(byte):
                throw controlCharacterInString()
            case let byte?:
                text.append(byte)
                cursor.advance()
            }
        }
    }

    private mutating func multiLineString(quote: UInt8, hasEscapes: Bool) throws(TOMLError) -> String {
        let (line, column) = (cursor.line, cursor.column)
        cursor.advance(3)
        _ = cursor.consumeNewline()
        var text: [UInt8] = []
        while true {
            if cursor.isAt(quote, count: 3) {
                closeMultiLineString(quote: quote, into: &text)
                return String(decoding: text, as: UTF8.self)
            }
            // CRLF inside the string is read as LF, as tomllib and toml++ do.
            if cursor.consumeNewline() {
                text.append(0x0A)
                continue
            }
            switch cursor.current {
            case UInt8(ascii: "\\") where hasEscapes:
                if try !lineEndingBackslash() { try escape(into: &text) }
            case nil:
                throw cursor.failure(
                    expected: "\(Self.shown(quote, count: 3)) to close the string opened at line \(line), column \(column)")
            case let byte? where Self.isControl(byte):
                throw controlCharacterInString()
            case let byte?:
                text.append(byte)
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
    /// last characters (`""""` ends a string with `"`).
    private mutating func closeMultiLineString(quote: UInt8, into text: inout [UInt8]) {
        cursor.advance(3)
        for _ in 0..<2 where cursor.current == quote {
            text.append(quote)
            cursor.advance()
        }
    }

    /// In a multi-line basic string, `\` as the last thing on its line joins the next non-blank text to it.
    /// Returns false (consuming nothing) when the backslash starts an ordinary escape instead.
    private mutating func lineEndingBackslash() throws(TOMLError) -> Bool {
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
    private mutating func escape(into text: inout [UInt8]) throws(TOMLError) {
        cursor.advance()
        let replacement: UInt8
        switch cursor.current {
        case UInt8(ascii: "b"): replacement = 0x08
        case UInt8(ascii: "t"): replacement = 0x09
        case UInt8(ascii: "n"): replacement = 0x0A
        case UInt8(ascii: "f"): replacement = 0x0C
        case UInt8(ascii: "r"): replacement = 0x0D
        case UInt8(ascii: "\""): replacement = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): replacement = UInt8(ascii: "\\")
        case UInt8(ascii: "u"):
            return try unicodeEscape(digits: 4, into: &text)
        case UInt8(ascii: "U"):
            return try unicodeEscape(digits: 8, into: &text)
        default:
            throw cursor.failure(expected: "an escape: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX or \\UXXXXXXXX")
        }
        text.append(replacement)
        cursor.advance()
    }

    private mutating func unicodeEscape(digits: Int, into text: inout [UInt8]) throws(TOMLError) {
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
        guard let scalar = Unicode.Scalar(value) else {
            throw start.failure(
                expected: "a Unicode scalar value in the escape (not a surrogate, at most 10FFFF)", foundLength: digits)
        }
        UTF8.encode(scalar) { text.append($0) }
    }

    private func controlCharacterInString() -> TOMLError {
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
