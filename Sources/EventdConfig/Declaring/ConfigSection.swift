/// A config section's keys, declared next to the section struct (`LoaderConfig+Keys.swift`), and the checks
/// that involve more than one key ("retry_max at least retry_initial"), kept as code beside them.
struct ConfigSection<Section>: Sendable {
    /// Comment lines under the `[section]` header of `Config/eventd.toml`; may be empty.
    let comment: String
    let keys: [ConfigKey<Section>]
    /// Checks across keys, run after every key's own check; they may read other sections.
    let relations: @Sendable (EventdConfig) throws(ConfigError) -> Void

    init(comment: String = "", keys: [ConfigKey<Section>],
         relations: @escaping @Sendable (EventdConfig) throws(ConfigError) -> Void = { _ throws(ConfigError) in })
    {
        self.comment = comment
        self.keys = keys
        self.relations = relations
    }

    /// The section placed in `EventdConfig` as the table `path` (`sources.http.rate_limit`).
    func mounted(_ path: String, at property: WritableKeyPath<EventdConfig, Section> & Sendable) -> ConfigTable {
        ConfigTable(path: path, comment: comment, keys: keys.map { ConfigKeySpec($0, in: path, at: property) },
                    relations: relations)
    }
}

/// One `[table]` of the config file, with its keys as `ConfigKeySpec`s on the whole `EventdConfig`.
struct ConfigTable: Sendable {
    /// Dotted table name, e.g. `sources.http.rate_limit`.
    let path: String
    let comment: String
    let keys: [ConfigKeySpec]
    let relations: @Sendable (EventdConfig) throws(ConfigError) -> Void

    /// Every key's own check in declaration order, then the checks across keys.
    func validate(_ config: EventdConfig) throws(ConfigError) {
        for key in keys {
            if let error = key.check(config) { throw error }
        }
        try relations(config)
    }
}

/// `invalid value for '<key>': <reason>` unless `condition`; for a section's `relations`.
func configRequire(_ condition: Bool, _ key: String, _ reason: @autoclosure () -> String) throws(ConfigError) {
    if !condition { throw .invalidValue(key, reason()) }
}
