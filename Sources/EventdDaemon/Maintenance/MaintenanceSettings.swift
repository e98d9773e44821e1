/// What the maintenance tasks need from `[maintenance]` (and `[rollup]`, for the rollup they trigger).
public struct MaintenanceSettings: Sendable, Equatable {
    /// Idle time after which an in-progress onboarding session is abandoned.
    public var abandonAfter: Duration
    /// Raw event retention (partitions older than this are dropped).
    public var eventRetention: Duration
    /// Rollup retention (hour/day aggregations and metrics older than this are deleted).
    public var rollupRetention: Duration
    /// Daily partitions kept ready ahead of today.
    public var partitionsAheadDays: Int
    /// The rollup `process_pending_events` runs.
    public var rollup: RollupSettings

    public init(abandonAfter: Duration = .seconds(2 * 3_600), eventRetention: Duration = .seconds(90 * 86_400),
                rollupRetention: Duration = .seconds(730 * 86_400), partitionsAheadDays: Int = 7,
                rollup: RollupSettings = RollupSettings()) {
        self.abandonAfter = abandonAfter
        self.eventRetention = eventRetention
        self.rollupRetention = rollupRetention
        self.partitionsAheadDays = partitionsAheadDays
        self.rollup = rollup
    }

    public init(_ config: EventdConfig) {
        self.init(abandonAfter: config.maintenance.abandonAfter, eventRetention: config.maintenance.eventRetention,
                  rollupRetention: config.maintenance.rollupRetention,
                  partitionsAheadDays: config.maintenance.partitionsAheadDays, rollup: RollupSettings(config.rollup))
    }
}
