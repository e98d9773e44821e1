import TOMLKit

/// A config value before it is decoded for its key: a parsed TOML value, or raw text from an environment
/// variable or command-line override, which each key's codec reads with the same rules as TOML.
///
/// TOMLKit's values are converted into this tree at once so the rest of the loader is plain Swift, and so the
/// file, the environment and overrides go through the same decoding.
indirect enum ConfigNode: Sendable {
    case table([(key: String, value: ConfigNode)])
    case array([ConfigNode])
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// A TOML date, time or date-time, which no eventd key takes; carries the TOML type's name.
    case unsupported(String)
    /// Unparsed text from `EVENTD_*` or an override; a codec gives it meaning.
    case text(String)

    /// The value's type as the operator wrote it, for "must be X, not Y" messages.
    var typeName: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string, .text: "a string"
        case .integer: "an integer"
        case .float: "a floating-point number"
        case .boolean: "a boolean"
        case .unsupported(let name): "a \(name)"
        }
    }

    /// Parses a TOML document into its top-level entries.
    static func parseDocument(_ text: String) throws(ConfigError) -> [(key: String, value: ConfigNode)] {
        // toml++ aborts the process on some malformed input instead of throwing: it only sees checked syntax.
        try TOMLSyntaxCheck.check(text)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            let message = error.description.split(whereSeparator: \.isNewline).joined(separator: " ")
            throw ConfigError(
                code: .syntax, key: nil,
                description: "TOML syntax error at line \(position.line), column \(position.column): \(message)",
                line: position.line, column: position.column)
        } catch {
            throw ConfigError(code: .syntax, key: nil, description: "TOML syntax error: \(error)")
        }
        return entries(of: table)
    }

    /// Parses `text` as a single TOML value (e.g. an array written in an environment variable).
    static func parseValue(_ text: String) -> ConfigNode? {
        guard let entries = try? parseDocument("value = " + text), entries.count == 1 else { return nil }
        return entries[0].value
    }

    private static func entries(of table: TOMLTable) -> [(key: String, value: ConfigNode)] {
        table.keys.compactMap { key in table[key].map { (key, node(from: $0)) } }
    }

    private static func node(from value: TOMLValueConvertible) -> ConfigNode {
        switch value.type {
        case .table: .table(value.table.map(entries(of:)) ?? [])
        case .array: .array(value.array.map { $0.map(node(from:)) } ?? [])
        case .string: .string(value.string ?? "")
        case .int: .integer(value.int ?? 0)
        case .double: .float(value.double ?? 0)
        case .bool: .boolean(value.bool ?? false)
        case .date, .time, .dateTime: .unsupported(value.type.description)
        }
    }
}
