/// eventd's TOML 1.0 reader: text in, a tree of values with the line and column of each out, or a
/// `TOMLError` that says where, what TOML expected there and what the text has instead.
///
/// Why eventd reads TOML itself: the one TOML package within reach, TOMLKit 0.6 (toml++ 3.4 inside),
/// aborts the process on some malformed input (its `assert`s stay live in release builds: `x = [1,}`,
/// `x = 1979-05-27 1`, `[` and a non-key character) and leaks on every parse. This reader grew out of the
/// syntax check that stood in front of it. What it accepts and the values it yields are checked against
/// Python's `tomllib` on the toml-test suite (`TOMLConformanceTests`), and it is fuzzed under AddressSanitizer
/// and LeakSanitizer (`Tests/Fuzz`, target FuzzTOML). See docs/configuration.md, "Why our own TOML reader".
///
/// The grammar (https://toml.io/en/v1.0.0): lines of `key = value`, `[table]` and `[[array-of-tables]]`
/// headers, comments; bare, quoted and dotted keys; the four kinds of strings with their escapes; integers,
/// floats, booleans, dates and times; arrays (over several lines, with comments and a trailing comma) and
/// inline tables (on one line, no trailing comma), nested at most `maximumNesting` deep; no control character
/// outside a string's escapes but tab, LF and CRLF. The meaning: no key or table defined twice, inline tables
/// and arrays closed to later additions, integers within 64 bits, dates that exist (`TOMLDocumentBuilder`).
///
/// Known differences from `tomllib`, both on purpose: a leading byte order mark is skipped (tomllib refuses
/// it), and integers beyond 64 bits are refused (tomllib has big integers).
public struct TOMLReader {
    /// Arrays and inline tables in one another; eventd's config needs 3. Bounds the reader's recursion.
    public static let maximumNesting = 64

    var cursor: TOMLCursor
    var document = TOMLDocumentBuilder()

    /// Reads `text` as a TOML 1.0 document: its top-level entries in the order they were written.
    public static func read(_ text: String) throws(TOMLError) -> [TOMLEntry] {
        var reader = TOMLReader(cursor: TOMLCursor(text))
        try reader.readDocument()
        return reader.document.root.entries()
    }

    /// The document, one line (with the values it spans) at a time.
    private mutating func readDocument() throws(TOMLError) {
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
                let (key, value) = try keyValue(nesting: 0)
                try document.set(key, to: value)
            }
            try endOfLine()
        }
    }

    /// Spaces, then an optional comment, then a line end or the end of the file.
    private mutating func endOfLine() throws(TOMLError) {
        cursor.skipSpaces()
        if cursor.current == UInt8(ascii: "#") { try comment() }
        guard cursor.isAtEnd || cursor.consumeNewline() else {
            throw cursor.failure(expected: "the end of the line (or a # comment)")
        }
    }

    /// `# …` up to the line end: any character but control characters other than tab.
    private mutating func comment() throws(TOMLError) {
        cursor.advance()
        _ = cursor.consume { !Self.isControl($0) }
        if let byte = cursor.current, byte != 0x0A, !(byte == 0x0D && cursor.byte(at: 1) == 0x0A) {
            throw cursor.failure(expected: "comment text (control characters other than tab are not allowed)")
        }
    }

    /// `[key]` or `[[key]]`, the brackets of `[[` and `]]` written together.
    private mutating func tableHeader() throws(TOMLError) {
        cursor.advance()
        let isArrayOfTables = cursor.current == UInt8(ascii: "[")
        if isArrayOfTables { cursor.advance() }
        cursor.skipSpaces()
        let key = try key()
        let closing = isArrayOfTables ? "]]" : "]"
        guard cursor.isAt(closing) else {
            throw cursor.failure(expected: "'\(closing)' to close the table header (or '.' and more of the key)")
        }
        cursor.advance(closing.utf8.count)
        if isArrayOfTables {
            try document.appendTable(key)
        } else {
            try document.openTable(key)
        }
    }

    /// `key = value`; the value may span lines (arrays, multi-line strings), the pair itself may not.
    private mutating func keyValue(nesting: Int) throws(TOMLError) -> (TOMLKey, TOMLItem) {
        let key = try key()
        guard cursor.current == UInt8(ascii: "=") else {
            throw cursor.failure(expected: "'=' after the key (or '.' and more of the key)")
        }
        cursor.advance()
        cursor.skipSpaces()
        return (key, try value(nesting: nesting))
    }

    /// One or more simple keys joined by dots, and the spaces after it.
    private mutating func key() throws(TOMLError) -> TOMLKey {
        var parts: [TOMLKey.Part] = []
        while true {
            let position = cursor.position
            parts.append(TOMLKey.Part(name: try simpleKey(), position: position))
            cursor.skipSpaces()
            guard cursor.current == UInt8(ascii: ".") else { return TOMLKey(parts: parts) }
            cursor.advance()
            cursor.skipSpaces()
        }
    }

    /// A bare key (`A-Z a-z 0-9 _ -`) or a one-line quoted string.
    private mutating func simpleKey() throws(TOMLError) -> String {
        if cursor.isAt("\"\"\"") || cursor.isAt("'''") {
            throw cursor.failure(expected: "a key (a multi-line string cannot be one)", foundLength: 3)
        }
        switch cursor.current {
        case UInt8(ascii: "\""): return try basicString()
        case UInt8(ascii: "'"): return try literalString()
        case let byte? where Self.isBareKey(byte):
            return String(decoding: cursor.consume(while: Self.isBareKey), as: UTF8.self)
        default: throw cursor.failure(expected: "a key (letters, digits, '_' and '-', or a quoted string)")
        }
    }

    private mutating func value(nesting: Int) throws(TOMLError) -> TOMLItem {
        let position = cursor.position
        let scalar: TOMLValue
        if cursor.isAt("\"\"\"") {
            scalar = .string(try multiLineBasicString())
        } else if cursor.isAt("'''") {
            scalar = .string(try multiLineLiteralString())
        } else {
            switch cursor.current {
            case UInt8(ascii: "\""): scalar = .string(try basicString())
            case UInt8(ascii: "'"): scalar = .string(try literalString())
            case UInt8(ascii: "["): return try array(nesting: nesting + 1)
            case UInt8(ascii: "{"): return try inlineTable(nesting: nesting + 1)
            default: scalar = try bareValue()
            }
        }
        return .scalar(TOMLNode(scalar, at: position))
    }

    /// `[ value, value, ]` over any number of lines, with comments between the values.
    private mutating func array(nesting: Int) throws(TOMLError) -> TOMLItem {
        try checkNesting(nesting)
        let array = TOMLArrayBox(position: cursor.position)
        cursor.advance()
        while true {
            try skipBlankLines()
            if cursor.current == UInt8(ascii: "]") { break }
            array.items.append(try value(nesting: nesting))
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
        return .array(array)
    }

    /// `{ key = value, key = value }` on one line (values inside may still span lines), no trailing comma.
    private mutating func inlineTable(nesting: Int) throws(TOMLError) -> TOMLItem {
        try checkNesting(nesting)
        var table = TOMLDocumentBuilder(inlineAt: cursor.position)
        cursor.advance()
        cursor.skipSpaces()
        if cursor.current != UInt8(ascii: "}") {
            while true {
                let (key, value) = try keyValue(nesting: nesting)
                try table.setInline(key, to: value)
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
        return .table(table.root)
    }

    private func checkNesting(_ nesting: Int) throws(TOMLError) {
        guard nesting <= Self.maximumNesting else {
            throw cursor.failure(expected: "at most \(Self.maximumNesting) arrays and inline tables inside one another")
        }
    }

    /// Inside arrays: spaces, line ends and comments.
    private mutating func skipBlankLines() throws(TOMLError) {
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
