import Foundation

extension EventdConfig {
    /// Loads a config: defaults, then `tomlText`, then `EVENTD_*` variables from `environment`, then
    /// `validate()`.
    ///
    /// - Throws: `ConfigError` for the first problem found: an unknown key (with a spelling suggestion), a
    ///   value of the wrong type, an invalid value, or TOML syntax (with line and column).
    public static func load(tomlText: String, environment: [String: String]) throws(ConfigError) -> EventdConfig {
        var config = EventdConfig()
        try config.apply(tomlText: tomlText)
        try config.apply(environment: environment)
        try config.validate()
        return config
    }

    /// Loads a config from the file at `path` (nil: no file, defaults only), then `EVENTD_*` variables, then
    /// validates. Errors about the file's contents end with ` in <path>`.
    public static func load(fileAt path: String?, environment: [String: String]) throws(ConfigError)
        -> EventdConfig
    {
        var config = EventdConfig()
        if let path {
            let text = try readConfigFile(at: path)
            do {
                try config.apply(tomlText: text)
            } catch {
                throw error.appending(origin: "in \(path)")
            }
        }
        try config.apply(environment: environment)
        try config.validate()
        return config
    }

    /// Applies the keys set in a TOML document on top of this config, without validating.
    public mutating func apply(tomlText: String) throws(ConfigError) {
        let entries = try ConfigNode.parseDocument(tomlText)
        try apply(entries: entries, in: "")
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

    private mutating func apply(entries: [(key: String, value: ConfigNode)], in section: String) throws(ConfigError) {
        for (name, value) in entries {
            let path = section.isEmpty ? name : "\(section).\(name)"
            if let spec = ConfigSchema.keysByPath[path] {
                try spec.apply(&self, value)
            } else if ConfigSchema.sections.contains(path) {
                guard case .table(let children) = value else {
                    throw .wrongType(path, expected: "a table ([\(path)])", got: value)
                }
                try apply(entries: children, in: path)
            } else {
                let suggestion = EditDistance.suggestion(for: name, among: ConfigSchema.children(of: section))
                throw .unknownKey(path, suggestion: suggestion)
            }
        }
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
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(code: .unreadableFile, key: nil, description: "config file \(path) is not UTF-8 text")
        }
        return text
    }
}
