/// Why a text is not a TOML 1.0 document, and where: `line` and `column` are 1-based, columns counting
/// characters as an editor shows them.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The text breaks TOML's grammar; `message` says what was expected there and what was found.
        case syntax
        /// The grammar holds but the document means nothing: a key or table defined twice, an integer beyond
        /// 64 bits, a date that does not exist.
        case meaning
    }

    public var kind: Kind
    public var position: TOMLPosition
    /// One line, e.g. `expected '=' after the key, found 'b'` or `key 'a' is already defined`.
    public var message: String

    public init(_ kind: Kind, at position: TOMLPosition, _ message: String) {
        self.kind = kind
        self.position = position
        self.message = message
    }

    public var line: Int { position.line }
    public var column: Int { position.column }
    public var description: String { "\(line):\(column): \(message)" }

    /// `text` with every character `matches` picks written as an escape: `\n`, `\r`, `\t`, else `\u{…}`;
    /// for messages that quote what a file holds and must stay one readable line.
    public static func escaping(_ text: String, where matches: (Unicode.Scalar) -> Bool) -> String {
        guard text.unicodeScalars.contains(where: matches) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case _ where !matches(scalar): out.unicodeScalars.append(scalar)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out
    }
}
