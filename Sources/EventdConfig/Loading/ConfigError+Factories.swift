extension ConfigError {
    /// `unknown key 'sources.tcp.lisen' (did you mean 'listen'?)`
    static func unknownKey(_ key: String, suggestion: String?) -> ConfigError {
        let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
        return ConfigError(code: .unknownKey, key: key, description: "unknown key '\(key)'\(hint)")
    }

    /// `'loader.batch_rows' must be an integer, not a string`
    static func wrongType(_ key: String, expected: String, got node: ConfigNode) -> ConfigError {
        ConfigError(
            code: .wrongType, key: key,
            description: "'\(key)' must be \(expected), not \(node.typeName)")
    }

    /// `invalid value for 'ring.capacity': 1000 is not a power of two`
    static func invalidValue(_ key: String, _ reason: String) -> ConfigError {
        ConfigError(code: .invalidValue, key: key, description: "invalid value for '\(key)': \(reason)")
    }
}
