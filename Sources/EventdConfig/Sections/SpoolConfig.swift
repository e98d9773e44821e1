/// `[spool]`: the local, append-only disk spool that holds accepted events while PostgreSQL is
/// unreachable or slower than intake, and replays them in order when it has caught up.
///
/// Off unless `directory` is set. Without it, a PostgreSQL outage fills the ring and then pushes back on
/// senders (TCP stops reading, HTTP answers 503); with it, eventd keeps accepting — and confirming, once
/// each record is durable per `fsync` — until the spool holds `max_bytes`, and only then pushes back.
public struct SpoolConfig: Sendable, Equatable {
    /// Directory of the spool's segment files (`directory`, default unset = no spool). Created if missing;
    /// one eventd at a time (a lock file keeps a second one out). Put it on a local disk; under systemd,
    /// `StateDirectory=eventd` with `/var/lib/eventd/spool`.
    public var directory: String?
    /// Most bytes of segment files on disk (`max_bytes`, default 1 GiB). When reached — or when the disk
    /// itself is full (ENOSPC) — batches stay in the ring and senders are pushed back; nothing confirmed
    /// is lost. At least `segment_bytes`.
    public var maxBytes: Int = 1 << 30
    /// Size at which the spool starts a new segment file (`segment_bytes`, default 64 MiB). Space is given
    /// back a whole segment at a time, once all its records are in PostgreSQL.
    public var segmentBytes: Int = 64 << 20
    /// When spool writes are forced to disk (`fsync`, default `batch`): `always`, `batch`, `interval` or
    /// `never`; see `SpoolFsyncPolicy` and docs/operations.md for what each survives.
    public var fsync: SpoolFsyncPolicy = .batch
    /// With `fsync = "interval"`, the longest a written record waits for its `fdatasync`
    /// (`fsync_interval`, default `1s`).
    public var fsyncInterval: Duration = .seconds(1)
    /// How long PostgreSQL may fail (or the ring stay more than half full) before batches go to the spool
    /// (`divert_after`, default `2s`). Shorter hiccups are ridden out in memory, with no disk writes; `0s`
    /// spools at the first failed COPY.
    public var divertAfter: Duration = .seconds(2)

    /// Whether a spool is configured.
    public var isEnabled: Bool { directory != nil }

    /// The defaults above.
    public init() {}
}
