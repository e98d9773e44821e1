extension EventdConfig {
    /// `EVENTD_*` variables that are not config keys and are always ignored by the config loader:
    /// `EVENTD_CONFIG` (the config file's path, read by the command line), `EVENTD_TEST_DATABASE_URL` (the
    /// integration tests' database) and anything starting with `EVENTD_DEV_` (developer tooling).
    public static let environmentAllowList: [String] = ["EVENTD_CONFIG", "EVENTD_TEST_DATABASE_URL", "EVENTD_DEV_*"]

    /// The environment variable that sets `key`: `EVENTD_` + the key upper-cased with dots as underscores,
    /// e.g. `sources.tcp.listen` → `EVENTD_SOURCES_TCP_LISTEN`.
    public static func environmentVariableName(forKey key: String) -> String {
        ConfigSchema.environmentName(forKey: key)
    }

    /// Applies `EVENTD_<SECTION>_<KEY>` variables on top of this config, without validating.
    ///
    /// Values are read like the TOML value of their key (`250ms`, `64MiB`, `true`, `127.0.0.1:5170`); arrays
    /// are a TOML array or a comma-separated list; an empty listener or `database.url` unsets it.
    /// A variable that is not a key but looks like one (it starts with a section, `EVENTD_LOADER_…`, or is one
    /// typo from a key) is refused, so a misspelt override never silently does nothing. Other `EVENTD_*`
    /// variables, and those in `environmentAllowList`, are ignored.
    public mutating func apply(environment: [String: String]) throws(ConfigError) {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("EVENTD_") {
            if Self.isAllowListed(name) { continue }
            if let spec = ConfigSchema.keysByEnvironmentName[name] {
                do {
                    try spec.apply(&self, .text(value))
                } catch {
                    throw error.appending(origin: "(from \(name))")
                }
                continue
            }
            let suggestion = EditDistance.suggestion(for: name, among: ConfigSchema.keysByEnvironmentName.keys)
            let looksLikeConfig = ConfigSchema.environmentSectionPrefixes.contains(where: name.hasPrefix)
            guard looksLikeConfig || suggestion != nil else { continue }
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            throw ConfigError(
                code: .unknownKey, key: name,
                description: "unknown environment variable '\(name)'\(hint); eventd reads EVENTD_<SECTION>_<KEY> "
                    + "as config keys, see eventd.toml")
        }
    }

    private static func isAllowListed(_ name: String) -> Bool {
        environmentAllowList.contains { entry in
            entry.hasSuffix("*") ? name.hasPrefix(entry.dropLast()) : name == entry
        }
    }
}
