import EventdCore
import EventdPostgres
import Logging

/// What `eventd spool --status` prints: the spool's depth and health, read without taking its lock.
public struct SpoolStatusReport: Sendable, CustomStringConvertible {
    public var directory: String
    /// A running eventd holds the spool's lock.
    public var inUse: Bool
    public var segments: Int
    /// Records (batches) and their bytes not yet replayed into PostgreSQL.
    public var records: Int
    public var bytes: Int
    /// Segment files on disk, and the `max_bytes` they are bounded by.
    public var diskBytes: Int
    public var maxBytes: Int
    /// When the oldest record waiting was spooled (µs since the epoch); nil when empty.
    public var oldestSpooledAt: Int64?
    /// Torn or corrupt spans ahead of the replay position; replay will quarantine them.
    public var invalidSpans: Int
    /// Files in `quarantine/`.
    public var quarantinedFiles: Int

    public var description: String {
        var lines = ["spool \(directory): \(inUse ? "in use by a running eventd" : "not in use")"]
        let age = oldestSpooledAt.map { "\(max(0, Timestamp.now() - $0) / 1_000_000)s" } ?? "-"
        lines.append("  waiting: \(records) record(s), \(bytes) bytes; oldest \(age) old")
        lines.append("  disk: \(segments) segment(s), \(diskBytes) of \(maxBytes) bytes (spool.max_bytes)")
        lines.append("  invalid spans awaiting quarantine: \(invalidSpans); quarantined files: \(quarantinedFiles)")
        return lines.joined(separator: "\n")
    }
}

/// What `eventd spool --replay` did.
public struct SpoolReplayReport: Sendable, CustomStringConvertible {
    public var records = 0
    public var inserted = 0
    public var duplicates = 0
    public var refused = 0
    public var description: String {
        "spool replayed: \(records) record(s); \(inserted) row(s) inserted, \(duplicates) already stored, "
            + "\(refused) refused by PostgreSQL (in analytics.rejected_events)"
    }
}

/// The operator's commands on a spool, for `eventd spool`.
public enum SpoolOperations {
    /// Reads the spool's state without changing anything (safe next to a running eventd).
    public static func status(settings: SpoolSettings, logger: Logger) throws -> SpoolStatusReport {
        let spool = try Spool.open(settings: settings, logger: logger, metrics: nil, mode: .readOnly)
        defer { spool.close() }
        let quarantined = (try? SpoolFileIO.list(spool.quarantineDirectory))?.count ?? 0
        return SpoolStatusReport(
            directory: settings.directory, inUse: Spool.isLocked(directory: settings.directory),
            segments: spool.segments.count, records: spool.pendingRecords, bytes: spool.pendingBytes,
            diskBytes: spool.diskBytes, maxBytes: settings.maxBytes, oldestSpooledAt: spool.oldestSpooledAt,
            invalidSpans: spool.badSpans.count, quarantinedFiles: quarantined)
    }

    /// Replays every spooled record into PostgreSQL now, through the same COPY path as the daemon, and
    /// empties the spool. Refused while an eventd holds the spool (it replays by itself). `copyFormat`
    /// is `loader.copy_format` (spooled rows are COPY text either way; binary re-encodes them).
    /// `progress` is called after every committed chunk.
    public static func replay(settings: SpoolSettings, batchRows: Int, copyFormat: CopyFormat = .binary,
                              logger: Logger, connect: @escaping () throws -> PostgresConnection,
                              progress: (SpoolReplayProgress) -> Void = { _ in }) throws -> SpoolReplayReport {
        let spool = try Spool.open(settings: settings, logger: logger, metrics: nil)
        defer { spool.close() }
        let clock = ContinuousClock()
        let started = clock.now
        var state = SpoolReplayProgress(recordsTotal: spool.pendingRecords, bytesTotal: spool.pendingBytes)
        let loader = CopyLoader(logger: logger, format: copyFormat, connect: connect)
        defer { loader.disconnect() }
        let pool = BatchPool(maxPooledBytes: 1 << 20)
        var report = SpoolReplayReport()
        while let chunk = try spool.readChunk(maxRows: batchRows, pool: pool) {
            let loaded = try loader.load(chunk.batches)
            try spool.commit(chunk)
            report.records += chunk.batches.count
            report.inserted += loaded.inserted
            report.duplicates += loaded.duplicates
            report.refused += loaded.refused.count
            for batch in chunk.batches { pool.recycle(batch) }
            state.report = report
            state.bytes += chunk.bytes
            state.elapsedSeconds = (clock.now - started).seconds
            progress(state)
        }
        return report
    }
}
