/// The spool's settings: the `[spool]` section, once it has a directory (see `SpoolConfig` for what each
/// key means). `settings.maxBytes` reads the section.
@dynamicMemberLookup
public struct SpoolSettings: Sendable {
    /// `spool.directory`, set: there is a spool.
    public var directory: String
    /// The `[spool]` section.
    public var spool: SpoolConfig

    /// The settings of `[spool]`, or nil when no directory is configured.
    public init?(_ config: SpoolConfig) {
        guard let directory = config.directory else { return nil }
        self.directory = directory
        self.spool = config
    }

    public subscript<Value>(dynamicMember key: WritableKeyPath<SpoolConfig, Value>) -> Value {
        get { spool[keyPath: key] }
        set { spool[keyPath: key] = newValue }
    }
}
