/// `[maintenance]`: periodic housekeeping: the SQL rollup when `[rollup]` is off, idle onboarding
/// sessions, partitions and retention.
public struct MaintenanceConfig: Sendable, Equatable {
    /// Run housekeeping in this process (`enabled`, default true). Turn it off when another instance or an
    /// external scheduler does it; the jobs take advisory locks, so running it twice is safe but wasteful.
    public var enabled: Bool = true
    /// Time between frequent passes (`process_pending_interval`, default `5m`): `process_pending_events` (the
    /// rollup; only when `[rollup]` is off, else that service is the rollup) and `abandon_inactive_sessions`.
    public var processPendingInterval: Duration = .seconds(5 * 60)
    /// Idle time after which an in-progress onboarding session is marked abandoned (`abandon_after`, default `2h`).
    public var abandonAfter: Duration = .seconds(2 * 3_600)
    /// Time between retention and partition passes (`cleanup_interval`, default `24h`).
    public var cleanupInterval: Duration = .seconds(86_400)
    /// How long raw events are kept, by event time (`event_retention`, default `90d`). Older partitions are
    /// dropped. At least `limits.max_past`, or accepted events would be deleted at the next cleanup.
    public var eventRetention: Duration = .seconds(90 * 86_400)
    /// How long rollup rows are kept (`rollup_retention`, default `730d`, two years).
    public var rollupRetention: Duration = .seconds(730 * 86_400)
    /// Daily partitions created ahead of today (`partitions_ahead_days`, default 7), so inserts never wait on
    /// DDL. Raise it if eventd may be down for longer than a week. 1...365.
    public var partitionsAheadDays: Int = 7

    /// The defaults above.
    public init() {}
}
