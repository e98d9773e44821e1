/// `[maintenance]`: periodic housekeeping: the SQL rollup when `[rollup]` is off, idle onboarding
/// sessions, partitions and retention.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `MaintenanceConfig+Keys.swift`.
public struct MaintenanceConfig: Sendable, Equatable {
    /// `enabled`
    public var enabled: Bool = true
    /// `process_pending_interval`
    public var processPendingInterval: Duration = .seconds(5 * 60)
    /// `abandon_after`
    public var abandonAfter: Duration = .seconds(2 * 3_600)
    /// `cleanup_interval`
    public var cleanupInterval: Duration = .seconds(86_400)
    /// `event_retention`
    public var eventRetention: Duration = .seconds(90 * 86_400)
    /// `rollup_retention`
    public var rollupRetention: Duration = .seconds(730 * 86_400)
    /// `partitions_ahead_days`
    public var partitionsAheadDays: Int = 7

    /// The defaults above.
    public init() {}
}
