import EventdTOML

/// A config value before it is decoded for its key: a value read from the TOML file, or raw text from an
/// environment variable or command-line override, which each key's codec reads with the same rules as TOML.
///
/// The file, the environment and overrides go through the same decoding. Where a file's value stands
/// (line:column) stays with the `TOMLNode` it came from; the loader adds it to the errors a codec throws.
indirect enum ConfigNode: Sendable {
    case table([(key: String, value: ConfigNode)])
    case array([ConfigNode])
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// A TOML date, time or date-time, which no eventd key takes; carries the TOML type's name with its
    /// article (`an offset date-time`).
    case unsupported(String)
    /// Unparsed text from `EVENTD_*` or an override; a codec gives it meaning.
    case text(String)

    init(_ node: TOMLNode) {
        switch node.value {
        case .table(let entries): self = .table(entries.map { ($0.key, ConfigNode($0.node)) })
        case .array(let items): self = .array(items.map(ConfigNode.init))
        case .string(let text): self = .string(text)
        case .integer(let number): self = .integer(number)
        case .float(let number): self = .float(number)
        case .boolean(let value): self = .boolean(value)
        case .dateTime: self = .unsupported(node.value.typeName)
        }
    }

    /// The value's type as the operator wrote it, for "must be X, not Y" messages.
    var typeName: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string, .text: "a string"
        case .integer: "an integer"
        case .float: "a floating-point number"
        case .boolean: "a boolean"
        case .unsupported(let name): name
        }
    }

    /// Reads a TOML document into its top-level entries; `file` names it in errors (`file:line:column: …`).
    static func parseDocument(_ text: String, file: String? = nil) throws(ConfigError) -> [TOMLEntry] {
        do {
            return try TOMLReader.read(text)
        } catch {
            let what = error.kind == .syntax ? "TOML syntax error" : "TOML error"
            throw ConfigError(code: .syntax, key: nil, description: "\(what): \(error.message)")
                .located(at: error.position, in: file)
        }
    }

    /// Parses `text` as a single TOML value (e.g. an array written in an environment variable).
    static func parseValue(_ text: String) -> ConfigNode? {
        guard let entries = try? parseDocument("value = " + text), entries.count == 1 else { return nil }
        return ConfigNode(entries[0].node)
    }
}
