/// The spool's settings, from `[spool]` (see `SpoolConfig` for what each means).
public struct SpoolSettings: Sendable {
    public var directory: String
    public var maxBytes: Int
    public var segmentBytes: Int
    public var fsync: SpoolFsyncPolicy
    public var fsyncInterval: Duration
    public var divertAfter: Duration

    public init(directory: String, maxBytes: Int = 1 << 30, segmentBytes: Int = 64 << 20,
                fsync: SpoolFsyncPolicy = .batch, fsyncInterval: Duration = .seconds(1),
                divertAfter: Duration = .seconds(2)) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.segmentBytes = segmentBytes
        self.fsync = fsync
        self.fsyncInterval = fsyncInterval
        self.divertAfter = divertAfter
    }

    /// The settings of `[spool]`, or nil when no directory is configured.
    public init?(_ config: SpoolConfig) {
        guard let directory = config.directory else { return nil }
        self.init(directory: directory, maxBytes: config.maxBytes, segmentBytes: config.segmentBytes,
                  fsync: config.fsync, fsyncInterval: config.fsyncInterval, divertAfter: config.divertAfter)
    }
}
