import EventdTOML

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
    /// 1-based line in the TOML text of the syntax error, or of the value or key at fault, when it came from
    /// a file or text (not from the environment).
    public var line: Int?
    /// 1-based column (in characters) that goes with `line`.
    public var column: Int?

    /// Creates an error; `description` should be one line without a trailing period.
    public init(code: Code, key: String?, description: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.key = key
        self.description = Self.oneLine(description)
        self.line = line
        self.column = column
    }

    /// The same error with where in the TOML text it is: `line` and `column` set, and the description prefixed
    /// `file:line:column: ` (`line L, column C: ` for text that is not a file). An error that already has a
    /// position keeps it: the innermost one is the most precise.
    func located(at position: TOMLPosition, in file: String?) -> ConfigError {
        guard line == nil else { return self }
        var copy = self
        copy.line = position.line
        copy.column = position.column
        let prefix = file.map { "\($0):\(position.line):\(position.column)" }
            ?? "line \(position.line), column \(position.column)"
        copy.description = Self.oneLine(prefix) + ": " + description
        return copy
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
        TOMLError.escaping(text, where: matches)
    }

    private static func breaksLines(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
