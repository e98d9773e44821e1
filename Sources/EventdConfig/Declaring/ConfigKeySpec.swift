/// One settable key on the whole `EventdConfig`: a section's `ConfigKey` placed under its table. The schema,
/// the loader, validation, reload and the generated example and reference all read these.
@dynamicMemberLookup
struct ConfigKeySpec: Sendable {
    /// Full dotted key, e.g. `sources.tcp.max_line_bytes`.
    let path: String
    /// Name (inside its table), what it takes, reload and texts, as declared: `spec.summary`.
    let traits: ConfigKeyTraits
    let apply: @Sendable (inout EventdConfig, ConfigNode) throws(ConfigError) -> Void
    let render: @Sendable (EventdConfig) -> String?
    /// Sets this key in the first config to its value in the second.
    let copy: @Sendable (inout EventdConfig, EventdConfig) -> Void
    /// The key's own check (range, allowed values); nil when the value is allowed.
    let check: @Sendable (EventdConfig) -> ConfigError?

    init<Section>(_ key: ConfigKey<Section>, in table: String,
                  at section: WritableKeyPath<EventdConfig, Section> & Sendable) {
        let path = "\(table).\(key.traits.name)"
        self.path = path
        self.traits = key.traits
        self.apply = { config, node throws(ConfigError) in try key.apply(&config[keyPath: section], node, path) }
        self.render = { config in key.render(config[keyPath: section]) }
        self.copy = { config, other in key.copy(&config[keyPath: section], other[keyPath: section]) }
        self.check = { config in key.check(config[keyPath: section], path) }
    }

    /// The environment variable that sets this key: `EVENTD_` + the key upper-cased, dots as underscores.
    var environmentName: String { ConfigSchema.environmentName(forKey: path) }
}

extension ConfigKeySpec {
    subscript<Value>(dynamicMember trait: KeyPath<ConfigKeyTraits, Value>) -> Value { traits[keyPath: trait] }
}
