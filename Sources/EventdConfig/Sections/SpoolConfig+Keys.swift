extension SpoolConfig {
    /// The `[spool]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<SpoolConfig>(
        comment: """
            A local append-only disk spool: while PostgreSQL is unreachable (or slower than intake), accepted
            batches are written here, their senders are confirmed once the record is durable, and the records
            are replayed into PostgreSQL in order when it is back. Off unless a directory is set; without it an
            outage fills the ring and then pushes back on senders. `eventd spool --status` shows its depth.
            """,
        keys: [
            ConfigKey("directory", \.directory, .optionalString,
                example: .commented("\"/var/lib/eventd/spool\""),
                comment: "",
                summary: "turns the disk spool on (off when unset); `/var/lib/eventd/spool` under systemd"),
            ConfigKey("max_bytes", \.maxBytes, .bytes,
                comment: """
                Most bytes of segment files on disk. When reached (or when the disk is full) senders are pushed
                back as with a full ring: nothing confirmed is lost. At least segment_bytes.
                """,
                summary: "most bytes of segment files on disk; when reached (or the disk is full) senders are pushed back. At least `segment_bytes`"),
            ConfigKey("segment_bytes", \.segmentBytes, .bytes,
                comment: """
                A new segment file starts at this size; space is given back a segment at a time after replay.
                """,
                summary: "a new segment file starts at this size (at least 4096); space is given back a segment at a time"),
            ConfigKey("fsync", \.fsync, configEnumCodec(SpoolFsyncPolicy.self),
                comment: """
                When writes reach stable storage before a sender is confirmed:
                  always   - fdatasync after each batch's record: survives power loss; slowest.
                  batch    - fdatasync once per loader cut (several batches): survives power loss; the default.
                  interval - confirm after write, fdatasync every fsync_interval: a power loss can lose that much.
                  never    - leave it to the kernel: survives an eventd crash, not a power loss.
                All four survive `kill -9` of eventd.
                """,
                summary: "when spool writes reach stable storage before a sender is confirmed (see [operations](operations.md#durability-and-the-spool))"),
            ConfigKey("fsync_interval", \.fsyncInterval, .duration,
                comment: "",
                summary: "the `interval` policy's `fdatasync` period"),
            ConfigKey("divert_after", \.divertAfter, .duration,
                comment: """
                How long PostgreSQL may fail (or the ring stay over half full) before batches go to the spool;
                shorter hiccups are ridden out in memory. "0s" spools at the first failed COPY.
                """,
                summary: "how long COPYs may fail (or the ring stay over half full) before cuts go to the spool; `\"0s\"` spools at the first failure"),
        ],
        relations: { config throws(ConfigError) in
            // Checked only with a spool: without a directory these keys do nothing.
            let spool = config.spool
            guard spool.isEnabled else { return }
            try configRequire(spool.segmentBytes >= 4_096, "spool.segment_bytes",
                              "\(spool.segmentBytes) is too small; it must be at least 4096")
            try configRequire(spool.maxBytes >= spool.segmentBytes, "spool.max_bytes",
                              "\(spool.maxBytes) is smaller than spool.segment_bytes (\(spool.segmentBytes))")
            try configRequire(spool.fsyncInterval > .zero, "spool.fsync_interval",
                              "\(ConfigDuration.format(spool.fsyncInterval)) is too short; it must be more than 0s")
        })
}
