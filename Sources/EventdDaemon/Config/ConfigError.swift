/// Why eventd refused its configuration: one code, the key at fault, and one sentence for the operator.
///
/// Every problem found while reading the config file, the `EVENTD_*` environment variables or command-line
/// overrides is reported as a `ConfigError`. `description` is a single line meant to be printed as is, e.g.
/// `unknown key 'sources.tcp.lisen' (did you mean 'listen'?) in /etc/eventd/eventd.toml`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The closed set of reasons a configuration is refused.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A key (or an `EVENTD_*` variable that looks like one) that eventd does not know; usually a typo.
        case unknownKey = "unknown_key"
        /// A value of the wrong TOML type, e.g. a string where an integer belongs.
        case wrongType = "wrong_type"
        /// A value of the right type that is out of range or not one of the allowed values.
        case invalidValue = "invalid_value"
        /// The config file could not be read (missing, unreadable, not UTF-8).
        case unreadableFile = "unreadable_file"
        /// The config file is not valid TOML; `line` and `column` say where.
        case syntax
    }

    /// What kind of problem this is.
    public var code: Code
    /// The full dotted key at fault (`sources.tcp.listen`), the `EVENTD_*` variable name for an unknown variable,
    /// or nil when no single key is to blame (syntax errors, unreadable files).
    public var key: String?
    /// One line saying what is wrong and what would be accepted instead.
    public var description: String
    /// 1-based line of a syntax error in the TOML text, when known.
    public var line: Int?
    /// 1-based column of a syntax error in the TOML text, when known.
    public var column: Int?

    /// Creates an error; `description` should be one line without a trailing period.
    public init(code: Code, key: String?, description: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.key = key
        self.description = Self.oneLine(description)
        self.line = line
        self.column = column
    }

    /// The same error with where the value came from appended, e.g. ` in /etc/eventd/eventd.toml`.
    func appending(origin: String) -> ConfigError {
        var copy = self
        copy.description += " " + origin
        return copy
    }

    /// Values quoted in a message come from files and environment variables and may hold newlines or
    /// other control characters (or U+2028/U+2029, which some log viewers break lines at); escape them so
    /// the error stays the one line the operator sees.
    static func oneLine(_ text: String) -> String {
        escaping(text, where: breaksLines)
    }

    /// `text` with every character `matches` picks written as an escape: `\n`, `\r`, `\t`, else `\u{…}`.
    static func escaping(_ text: String, where matches: (Unicode.Scalar) -> Bool) -> String {
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

    private static func breaksLines(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
