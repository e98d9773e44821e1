import EventdTOML
import Foundation

extension EventdConfig {
    /// Loads a config: defaults, then `tomlText`, then `EVENTD_*` variables from `environment`, then
    /// `validate()`.
    ///
    /// - Throws: `ConfigError` for the first problem found: an unknown key (with a spelling suggestion), a
    ///   value of the wrong type, an invalid value, or TOML syntax; those found in the text carry its line and
    ///   column (`line 12, column 9: …`).
    public static func load(tomlText: String, environment: [String: String]) throws(ConfigError) -> EventdConfig {
        var config = EventdConfig()
        try config.apply(tomlText: tomlText)
        try config.apply(environment: environment)
        try config.validate()
        return config
    }

    /// Loads a config from the file at `path` (nil: no file, defaults only), then `EVENTD_*` variables, then
    /// validates. Errors about the file's contents start with `<path>:<line>:<column>: `.
    public static func load(fileAt path: String?, environment: [String: String]) throws(ConfigError)
        -> EventdConfig
    {
        var config = EventdConfig()
        if let path {
            let text = try readConfigFile(at: path)
            try config.apply(tomlText: text, file: path)
        }
        try config.apply(environment: environment)
        try config.validate()
        return config
    }

    /// Applies the keys set in a TOML document on top of this config, without validating.
    public mutating func apply(tomlText: String) throws(ConfigError) {
        try apply(tomlText: tomlText, file: nil)
    }

    /// As `apply(tomlText:)`; errors name `file` with their line and column.
    mutating func apply(tomlText: String, file: String?) throws(ConfigError) {
        let entries = try ConfigNode.parseDocument(tomlText, file: file)
        try apply(entries: entries, in: "", file: file)
    }

    /// Sets one key from text, with the rules used for environment variables (e.g. a CLI `--set key=value`):
    /// `set("loader.batch_delay", to: "250ms")`. Call `validate()` when done.
    public mutating func set(_ key: String, to text: String) throws(ConfigError) {
        guard let spec = ConfigSchema.keysByPath[key] else {
            throw .unknownKey(key, suggestion: EditDistance.suggestion(for: key, among: ConfigSchema.keys.map(\.path)))
        }
        try spec.apply(&self, .text(text))
    }

    /// Every key the config accepts, dotted (`sources.tcp.listen`), in the example file's order.
    public static var allKeys: [String] { ConfigSchema.keys.map(\.path) }

    private mutating func apply(entries: [TOMLEntry], in section: String, file: String?) throws(ConfigError) {
        for entry in entries {
            let path = section.isEmpty ? entry.key : "\(section).\(entry.key)"
            if let spec = ConfigSchema.keysByPath[path] {
                do {
                    try spec.apply(&self, ConfigNode(entry.node))
                } catch {
                    throw error.located(at: Self.position(of: error.key, under: path, in: entry.node), in: file)
                }
            } else if ConfigSchema.sections.contains(path) {
                guard case .table(let children) = entry.node.value else {
                    throw ConfigError.wrongType(path, expected: "a table ([\(path)])", got: ConfigNode(entry.node))
                        .located(at: entry.node.position, in: file)
                }
                try apply(entries: children, in: path, file: file)
            } else {
                let suggestion = EditDistance.suggestion(for: entry.key, among: ConfigSchema.children(of: section))
                throw ConfigError.unknownKey(path, suggestion: suggestion).located(at: entry.keyPosition, in: file)
            }
        }
    }

    /// Where the part of `node` (the value of `path`) that `errorKey` names stands: an element
    /// (`sources.http.write_keys[1]`) or a field of one (`…[1].kind`); else the value's own position.
    private static func position(of errorKey: String?, under path: String, in node: TOMLNode) -> TOMLPosition {
        guard let errorKey, errorKey.hasPrefix(path) else { return node.position }
        var rest = errorKey.dropFirst(path.count)
        var current = node
        while let first = rest.first {
            if first == "[", let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                case .array(let items) = current.value, items.indices.contains(index)
            {
                current = items[index]
                rest = rest[rest.index(after: close)...]
            } else if first == ".", case .table(let fields) = current.value {
                let name = rest.dropFirst().prefix { $0 != "." && $0 != "[" }
                guard let field = fields.first(where: { $0.key == name }) else { break }
                current = field.node
                rest = rest.dropFirst(1 + name.count)
            } else {
                break
            }
        }
        return current.position
    }

    private static func readConfigFile(at path: String) throws(ConfigError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(code: .unreadableFile, key: nil, description: "config file \(path) does not exist")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(code: .unreadableFile, key: nil, description: "config file \(path) is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(
                code: .unreadableFile, key: nil, description: "config file \(path) cannot be read (check permissions)")
        }
        // Not String(data:encoding:): it drops a leading byte order mark, so the reader would take a second
        // one for the first.
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigError(code: .unreadableFile, key: nil, description: "config file \(path) is not UTF-8 text")
        }
        return text
    }
}
