/// Everything an eventd process is configured with: one section per stage of the event's path.
///
/// Values come, later overriding earlier, from: the defaults documented on each field, the TOML config file
/// (`Config/eventd.toml` is a complete commented example), `EVENTD_<SECTION>_<KEY>` environment variables,
/// and command-line flags, which the executable applies by setting properties or calling `set(_:to:)` and
/// then `validate()`. Keys in files are `snake_case` (`sources.tcp.max_line_bytes`); properties are the same
/// names in camelCase (`sources.tcp.maxLineBytes`). Unknown keys are refused, never ignored.
public struct EventdConfig: Sendable, Equatable {
    /// `[database]`: where events are stored.
    public var database: DatabaseConfig = DatabaseConfig()
    /// `[sources.*]`: the TCP, UDP and HTTP listeners; all off by default.
    public var sources: SourcesConfig = SourcesConfig()
    /// `[limits]`: per-event and per-batch limits.
    public var limits: LimitsConfig = LimitsConfig()
    /// `[privacy]`: IP anonymization.
    public var privacy: PrivacyConfig = PrivacyConfig()
    /// `[ring]`: the in-memory queue between sources and loader.
    public var ring: RingConfig = RingConfig()
    /// `[loader]`: COPY batching and retry.
    public var loader: LoaderConfig = LoaderConfig()
    /// `[spool]`: the disk spool for PostgreSQL outages; off by default.
    public var spool: SpoolConfig = SpoolConfig()
    /// `[admin]`: metrics and health endpoint.
    public var admin: AdminConfig = AdminConfig()
    /// `[console]`: the web console on the admin listener; off unless it has credentials.
    public var console: ConsoleConfig = ConsoleConfig()
    /// `[rollup]`: periodic aggregation.
    public var rollup: RollupConfig = RollupConfig()
    /// `[maintenance]`: recovery, partitions, retention.
    public var maintenance: MaintenanceConfig = MaintenanceConfig()
    /// `[shutdown]`: graceful stop.
    public var shutdown: ShutdownConfig = ShutdownConfig()
    /// `[log]`: log level and format.
    public var log: LogConfig = LogConfig()

    /// The built-in defaults: every source off, everything else as documented on each field.
    public init() {}
}
