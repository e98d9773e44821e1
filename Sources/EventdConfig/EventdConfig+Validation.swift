extension EventdConfig {
    /// Checks values and the relations between keys that the per-key decoding cannot see: each key's own
    /// check as its section declares it (`ConfigKey.check`: ranges, powers of two, well-formed paths), then
    /// each section's checks across keys (`ConfigSection.relations`), table by table in the example file's
    /// order. `load(...)` calls it; call it again after changing properties (e.g. from command-line flags).
    ///
    /// - Throws: `ConfigError` with code `.invalidValue`, naming the key and what is allowed.
    public func validate() throws(ConfigError) {
        for table in ConfigSchema.tables {
            try table.validate(self)
        }
    }
}
