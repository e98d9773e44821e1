/// What the maintenance tasks read: `[maintenance]`, and `[rollup]` for the rollup they trigger. The
/// sections are handed over as they are; `settings.partitionsAheadDays` reads `[maintenance]`.
@dynamicMemberLookup
public struct MaintenanceSettings: Sendable, Equatable {
    public var maintenance: MaintenanceConfig
    /// The rollup `process_pending_events` runs.
    public var rollup: RollupConfig

    public init(maintenance: MaintenanceConfig = MaintenanceConfig(), rollup: RollupConfig = RollupConfig()) {
        self.maintenance = maintenance
        self.rollup = rollup
    }

    public init(_ config: EventdConfig) {
        self.init(maintenance: config.maintenance, rollup: config.rollup)
    }

    public subscript<Value>(dynamicMember key: KeyPath<MaintenanceConfig, Value>) -> Value {
        maintenance[keyPath: key]
    }
}
