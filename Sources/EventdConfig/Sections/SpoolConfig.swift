/// `[spool]`: the local, append-only disk spool that holds accepted events while PostgreSQL is
/// unreachable or slower than intake, and replays them in order when it has caught up.
///
/// Off unless `directory` is set. Without it, a PostgreSQL outage fills the ring and then pushes back on
/// senders (TCP stops reading, HTTP answers 503); with it, eventd keeps accepting — and confirming, once
/// each record is durable per `fsync` — until the spool holds `max_bytes`, and only then pushes back.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `SpoolConfig+Keys.swift`.
public struct SpoolConfig: Sendable, Equatable {
    /// `directory`
    public var directory: String?
    /// `max_bytes`
    public var maxBytes: Int = 1 << 30
    /// `segment_bytes`
    public var segmentBytes: Int = 64 << 20
    /// `fsync`
    public var fsync: SpoolFsyncPolicy = .batch
    /// `fsync_interval`
    public var fsyncInterval: Duration = .seconds(1)
    /// `divert_after`
    public var divertAfter: Duration = .seconds(2)

    /// Whether a spool is configured.
    public var isEnabled: Bool { directory != nil }

    /// The defaults above.
    public init() {}
}
