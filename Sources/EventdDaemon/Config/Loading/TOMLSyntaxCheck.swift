/// Refuses a config text that is not TOML 1.0 syntax before toml++ sees it, with a `ConfigError` that says
/// where (line and column), what TOML expected there, and what the text has instead.
///
/// Why it exists: toml++ 3.4 (inside TOMLKit 0.6) does not report every malformed input as an error. On some
/// it trips an internal `assert` and the process aborts — `x = [1,}`, `x = 1979-05-27 1`, a table header
/// `[` followed by a non-key character (found by Tests/Fuzz FuzzConfig and by reading toml++'s parser). A typo
/// in eventd.toml would then kill eventd at start, or on a SIGHUP reload while it serves, instead of being
/// reported. Compiling the asserts out is no fix: SwiftPM offers no way to set defines on a dependency's C++
/// target, and with `NDEBUG` toml++ turns those asserts into `__builtin_assume` — undefined behaviour instead
/// of an abort. So toml++ only ever parses text whose syntax this check has accepted: its asserts guard
/// states that well-formed TOML never reaches.
///
/// What is checked is TOML 1.0's grammar (https://toml.io/en/v1.0.0): lines of `key = value`, `[table]` and
/// `[[array-of-tables]]` headers, comments; bare, quoted and dotted keys; the four kinds of strings with
/// their escapes; integers, floats, booleans, dates and times by shape; arrays (over several lines, with
/// comments and a trailing comma) and inline tables (on one line, no trailing comma), paired and nested at
/// most `maximumNesting` deep; no control character outside a string's escapes but tab, LF and CRLF.
/// What is left to toml++, which reports it as an error: meaning — a key or table defined twice, a number
/// out of range, a date that does not exist.
struct TOMLSyntaxCheck {
    /// Arrays and inline tables in one another; eventd's config needs 3, toml++ refuses more than 256.
    static let maximumNesting = 64

    var cursor: TOMLSyntaxCursor

    /// Throws a `.syntax` `ConfigError` at the first place `text` is not TOML 1.0 syntax.
    static func check(_ text: String) throws(ConfigError) {
        var check = TOMLSyntaxCheck(cursor: TOMLSyntaxCursor(text))
        do {
            try check.document()
        } catch {
            throw error.configError
        }
    }

    /// The document, one line (with the values it spans) at a time.
    private mutating func document() throws(TOMLSyntaxFailure) {
        while !cursor.isAtEnd {
            cursor.skipSpaces()
            switch cursor.current {
            case UInt8(ascii: "["):
                try tableHeader()
            case UInt8(ascii: "#"), 0x0A, nil:
                break
            case 0x0D where cursor.byte(at: 1) == 0x0A:
                break
            default:
                try keyValue(nesting: 0)
            }
            try endOfLine()
        }
    }

    /// Spaces, then an optional comment, then a line end or the end of the file.
    private mutating func endOfLine() throws(TOMLSyntaxFailure) {
        cursor.skipSpaces()
        if cursor.current == UInt8(ascii: "#") { try comment() }
        guard cursor.isAtEnd || cursor.consumeNewline() else {
            throw cursor.failure(expected: "the end of the line (or a # comment)")
        }
    }

    /// `# …` up to the line end: any character but control characters other than tab.
    private mutating func comment() throws(TOMLSyntaxFailure) {
        cursor.advance()
        _ = cursor.consume { !Self.isControl($0) }
        if let byte = cursor.current, byte != 0x0A, !(byte == 0x0D && cursor.byte(at: 1) == 0x0A) {
            throw cursor.failure(expected: "comment text (control characters other than tab are not allowed)")
        }
    }

    /// `[key]` or `[[key]]`, the brackets of `[[` and `]]` written together.
    private mutating func tableHeader() throws(TOMLSyntaxFailure) {
        cursor.advance()
        let isArrayOfTables = cursor.current == UInt8(ascii: "[")
        if isArrayOfTables { cursor.advance() }
        cursor.skipSpaces()
        try key()
        let closing = isArrayOfTables ? "]]" : "]"
        guard cursor.isAt(closing) else {
            throw cursor.failure(expected: "'\(closing)' to close the table header (or '.' and more of the key)")
        }
        cursor.advance(closing.utf8.count)
    }

    /// `key = value`; the value may span lines (arrays, multi-line strings), the pair itself may not.
    private mutating func keyValue(nesting: Int) throws(TOMLSyntaxFailure) {
        try key()
        guard cursor.current == UInt8(ascii: "=") else {
            throw cursor.failure(expected: "'=' after the key (or '.' and more of the key)")
        }
        cursor.advance()
        cursor.skipSpaces()
        try value(nesting: nesting)
    }

    /// One or more simple keys joined by dots, and the spaces after it.
    private mutating func key() throws(TOMLSyntaxFailure) {
        while true {
            try simpleKey()
            cursor.skipSpaces()
            guard cursor.current == UInt8(ascii: ".") else { return }
            cursor.advance()
            cursor.skipSpaces()
        }
    }

    /// A bare key (`A-Z a-z 0-9 _ -`) or a one-line quoted string.
    private mutating func simpleKey() throws(TOMLSyntaxFailure) {
        if cursor.isAt("\"\"\"") || cursor.isAt("'''") {
            throw cursor.failure(expected: "a key (a multi-line string cannot be one)", foundLength: 3)
        }
        switch cursor.current {
        case UInt8(ascii: "\""): try basicString()
        case UInt8(ascii: "'"): try literalString()
        case let byte? where Self.isBareKey(byte): _ = cursor.consume(while: Self.isBareKey)
        default: throw cursor.failure(expected: "a key (letters, digits, '_' and '-', or a quoted string)")
        }
    }

    private mutating func value(nesting: Int) throws(TOMLSyntaxFailure) {
        if cursor.isAt("\"\"\"") { return try multiLineBasicString() }
        if cursor.isAt("'''") { return try multiLineLiteralString() }
        switch cursor.current {
        case UInt8(ascii: "\""): try basicString()
        case UInt8(ascii: "'"): try literalString()
        case UInt8(ascii: "["): try array(nesting: nesting + 1)
        case UInt8(ascii: "{"): try inlineTable(nesting: nesting + 1)
        default: try bareValue()
        }
    }

    /// `[ value, value, ]` over any number of lines, with comments between the values.
    private mutating func array(nesting: Int) throws(TOMLSyntaxFailure) {
        try checkNesting(nesting)
        cursor.advance()
        while true {
            try skipBlankLines()
            if cursor.current == UInt8(ascii: "]") { break }
            try value(nesting: nesting)
            try skipBlankLines()
            if cursor.current == UInt8(ascii: ",") {
                cursor.advance()
                continue
            }
            guard cursor.current == UInt8(ascii: "]") else {
                throw cursor.failure(expected: "',' or ']' after an array element")
            }
            break
        }
        cursor.advance()
    }

    /// `{ key = value, key = value }` on one line (values inside may still span lines), no trailing comma.
    private mutating func inlineTable(nesting: Int) throws(TOMLSyntaxFailure) {
        try checkNesting(nesting)
        cursor.advance()
        cursor.skipSpaces()
        if cursor.current != UInt8(ascii: "}") {
            while true {
                try keyValue(nesting: nesting)
                cursor.skipSpaces()
                guard cursor.current == UInt8(ascii: ",") else { break }
                cursor.advance()
                cursor.skipSpaces()
                if cursor.current == UInt8(ascii: "}") {
                    throw cursor.failure(expected: "another 'key = value' (TOML allows no comma before an inline table's '}')")
                }
            }
        }
        guard cursor.current == UInt8(ascii: "}") else {
            throw cursor.failure(expected: "',' or '}' (an inline table closes on the line it opens)")
        }
        cursor.advance()
    }

    private func checkNesting(_ nesting: Int) throws(TOMLSyntaxFailure) {
        guard nesting <= Self.maximumNesting else {
            throw cursor.failure(expected: "at most \(Self.maximumNesting) arrays and inline tables inside one another")
        }
    }

    /// Inside arrays: spaces, line ends and comments.
    private mutating func skipBlankLines() throws(TOMLSyntaxFailure) {
        while true {
            cursor.skipSpaces()
            if cursor.current == UInt8(ascii: "#") { try comment() }
            guard cursor.consumeNewline() else { return }
        }
    }

    static func isBareKey(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// TOML's control characters: U+0000–U+001F but tab, and U+007F.
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09) || byte == 0x7F
    }
}
