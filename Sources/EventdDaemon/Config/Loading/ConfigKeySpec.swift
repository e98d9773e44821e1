/// One settable key: its dotted path, and how a value for it is decoded into, and rendered from, the config.
struct ConfigKeySpec: Sendable {
    /// Full dotted key, e.g. `sources.tcp.max_line_bytes`.
    let path: String
    /// What the key takes, for messages.
    let expected: String
    let apply: @Sendable (inout EventdConfig, ConfigNode) throws(ConfigError) -> Void
    let render: @Sendable (EventdConfig) -> String?

    init<Value>(_ path: String, _ property: WritableKeyPath<EventdConfig, Value> & Sendable,
                _ codec: ConfigCodec<Value>) {
        self.path = path
        self.expected = codec.expected
        self.apply = { config, node throws(ConfigError) in config[keyPath: property] = try codec.decode(node, path) }
        self.render = { config in codec.render(config[keyPath: property]) }
    }

    /// The environment variable that sets this key: `EVENTD_` + the key upper-cased, dots as underscores.
    var environmentName: String { ConfigSchema.environmentName(forKey: path) }
}
