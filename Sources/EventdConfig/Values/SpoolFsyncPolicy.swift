/// When the spool forces its writes to stable storage (`spool.fsync`), and so what a confirmation sent
/// for a spooled event survives. Every policy survives eventd itself crashing (`kill -9`): a confirmed
/// record is in the kernel's page cache before the sender is told. They differ on a power loss or
/// kernel crash.
public enum SpoolFsyncPolicy: String, Sendable, Hashable, CaseIterable {
    /// `fdatasync` after every record, before its sender is confirmed. Survives power loss; the
    /// slowest (one flush per batch, ~1–10 ms each on SSDs, far more on network disks).
    case always
    /// `fdatasync` once per loader cut (all the records written together), before any of them is
    /// confirmed. Survives power loss, with one flush per cut instead of per batch. The default.
    case batch
    /// Confirm after `write`; `fdatasync` at most every `spool.fsync_interval`. A power loss can lose up
    /// to that interval of confirmed events; a process crash loses nothing.
    case interval
    /// Never `fdatasync`; the kernel writes back when it likes (typically within 30 s). A process crash
    /// loses nothing, a power loss can lose whatever the kernel had not yet written.
    case never
}
