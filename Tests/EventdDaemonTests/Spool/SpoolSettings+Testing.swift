@testable import EventdDaemon

extension SpoolSettings {
    /// A spool in `directory` with the `[spool]` defaults but for the sizes and fsync policy a test needs.
    init(directory: String, maxBytes: Int, segmentBytes: Int, fsync: SpoolFsyncPolicy) {
        var config = SpoolConfig()
        config.directory = directory
        config.maxBytes = maxBytes
        config.segmentBytes = segmentBytes
        config.fsync = fsync
        self.init(config)!
    }
}
