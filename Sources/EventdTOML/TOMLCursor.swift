/// A position in a TOML text's UTF-8 bytes that keeps the line and column, for `TOMLReader`.
///
/// Everything TOML gives meaning to is ASCII, so the check reads bytes; non-ASCII only passes through
/// strings and comments. Columns count characters (Unicode scalars), as an editor shows them.
struct TOMLCursor {
    let bytes: [UInt8]
    private(set) var index = 0
    private(set) var line = 1
    /// Where the current line starts in `bytes`.
    private(set) var lineStart = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
        // A leading UTF-8 byte order mark is skipped (columns start after it), as editors write one and
        // eventd always accepted it; tomllib alone refuses it.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
            lineStart = 3
        }
    }

    var isAtEnd: Bool { index >= bytes.count }
    /// The byte here, nil at the end.
    var current: UInt8? { byte(at: 0) }

    func byte(at offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    func isAt(_ ascii: String) -> Bool {
        let token = ascii.utf8
        return index + token.count <= bytes.count && bytes[index..<index + token.count].elementsEqual(token)
    }

    /// `count` times `byte` from here on.
    func isAt(_ byte: UInt8, count: Int) -> Bool {
        index + count <= bytes.count && bytes[index..<index + count].allSatisfy { $0 == byte }
    }

    /// 1-based column of the current position.
    var column: Int { Self.characterCount(bytes[lineStart..<index]) + 1 }

    var position: TOMLPosition { TOMLPosition(line: line, column: column) }

    mutating func advance(_ count: Int = 1) {
        index += count
    }

    /// Consumes a line end (LF or CRLF, TOML's only two) and moves to the next line.
    mutating func consumeNewline() -> Bool {
        let length = current == 0x0A ? 1 : (current == 0x0D && byte(at: 1) == 0x0A ? 2 : 0)
        guard length > 0 else { return false }
        index += length
        line += 1
        lineStart = index
        return true
    }

    /// Consumes the run of bytes that `belongs` accepts and returns it.
    mutating func consume(while belongs: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while let byte = current, belongs(byte) { index += 1 }
        return bytes[start..<index]
    }

    mutating func skipSpaces() {
        _ = consume { $0 == 0x20 || $0 == 0x09 }
    }

    /// A refusal at the current position. `foundLength` bytes are quoted as what was found (at least one
    /// character; the end of the line or file is named as such).
    func failure(expected: String, foundLength: Int = 0) -> TOMLError {
        TOMLError(.syntax, at: position, "expected \(expected), found \(found(length: foundLength))")
    }

    private func found(length: Int) -> String {
        guard let byte = current else { return "the end of the file" }
        if byte == 0x0A || (byte == 0x0D && self.byte(at: 1) == 0x0A) { return "the end of the line" }
        var end = index + max(length, 1)
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }  // finish the last character
        let text = String(decoding: bytes[index..<min(end, bytes.count)], as: UTF8.self)
        return "'" + Self.visible(text) + "'"
    }

    /// The text with invisible and line-breaking characters escaped (`\u{1b}`, `\n`), so an operator sees
    /// what is there and the message stays one line.
    private static func visible(_ text: String) -> String {
        TOMLError.escaping(text, where: isInvisible)
    }

    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate: true
        case .spaceSeparator: scalar != " "
        default: false
        }
    }

    private static func characterCount(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}
