import EventdCore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// eventd's local, append-only disk spool: where accepted batches wait while PostgreSQL is unreachable
/// or behind, until the loader replays them, in order, through the normal COPY path.
///
/// A directory of segment files (`segment-<sequence>.log`) of CRC-framed records (`SpoolRecord`), a
/// `cursor` file with the replay position, a `lock` file that keeps a second process out, and a
/// `quarantine/` directory where torn or corrupt spans are moved aside. Records are appended to the
/// newest segment (a process never appends to a segment it did not create, so a torn tail left by a
/// crash is never followed by new records); replay reads from the oldest, and a segment is deleted
/// once every record in it is committed in PostgreSQL.
///
/// Exactly once: a crash between a replay's COMMIT and the cursor update replays those records again,
/// and the events' primary key `(event_id, original_timestamp)` absorbs them (the loader's staging
/// path). Refusal rows (analytics.rejected_events has no natural key) can then appear twice.
///
/// Not thread-safe: owned by the loader thread (or by `eventd spool --replay`).
final class Spool: @unchecked Sendable {
    enum Mode { case readWrite, readOnly }

    let settings: SpoolSettings
    let logger: Logger
    let metrics: SpoolMetrics?
    let mode: Mode
    var directory: String { settings.directory }
    var quarantineDirectory: String { settings.directory + "/quarantine" }

    /// Oldest first; the last one is the one being appended to when `writeFD` is open.
    var segments: [SpoolSegment] = []
    var writeFD: Int32?
    var nextSequence: UInt64 = 1
    /// The next record to replay.
    var head: SpoolPosition
    /// `spooledAt` of every record not yet replayed, oldest first (from `pendingStart`).
    var pendingTimes: [Int64] = []
    var pendingStart = 0
    /// Record bytes not yet replayed.
    var pendingBytes = 0
    /// Spans found invalid by the opening scan, still ahead of the replay position (status only).
    var badSpans: [(segment: UInt64, range: Range<Int>)] = []
    var unsynced = false
    var lastSync = ContinuousClock.now
    var readFD: (sequence: UInt64, fd: Int32)?
    private var lockFD: Int32 = -1

    private init(settings: SpoolSettings, logger: Logger, metrics: SpoolMetrics?, mode: Mode) {
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
        self.mode = mode
        head = SpoolPosition(segment: 1, offset: 0)
    }

    deinit { close() }

    /// Opens (creating if needed) the spool directory, takes its lock (read-write mode), and scans what a
    /// previous run left: every record is checked, so depth and age are exact from the start.
    static func open(settings: SpoolSettings, logger: Logger, metrics: SpoolMetrics?,
                     mode: Mode = .readWrite) throws(SpoolError) -> Spool {
        let spool = Spool(settings: settings, logger: logger, metrics: metrics, mode: mode)
        if mode == .readWrite {
            try SpoolFileIO.makeDirectory(settings.directory)
            try SpoolFileIO.makeDirectory(spool.quarantineDirectory)
            try spool.lock()
        }
        try spool.recover()
        spool.publish()
        return spool
    }

    /// Closes the files; syncs first if the policy left writes unsynced.
    func close() {
        if let fd = writeFD {
            if unsynced { try? SpoolFileIO.dataSync(fd, path: directory) }
            Glibc.close(fd)
            writeFD = nil
        }
        if let read = readFD { Glibc.close(read.fd); readFD = nil }
        if lockFD >= 0 { Glibc.close(lockFD); lockFD = -1 }
    }

    // MARK: - Depth

    var isEmpty: Bool { pendingRecords == 0 }
    var pendingRecords: Int { pendingTimes.count - pendingStart }
    /// Bytes of segment files on disk, what `max_bytes` bounds.
    var diskBytes: Int { segments.reduce(0) { $0 + $1.size } }
    var oldestSpooledAt: Int64? { pendingStart < pendingTimes.count ? pendingTimes[pendingStart] : nil }

    func path(of sequence: UInt64) -> String { directory + "/" + SpoolSegment.fileName(sequence) }

    /// Updates the depth gauges; the loader calls it at least once a second so the age keeps moving.
    func publish(now: Int64 = Timestamp.now()) {
        guard let metrics else { return }
        metrics.bytes.record(pendingBytes)
        metrics.records.record(pendingRecords)
        metrics.diskBytes.record(diskBytes)
        let age = oldestSpooledAt.map { Double(max(0, now - $0)) / 1e6 } ?? 0
        metrics.oldestAge.record(age)
    }

    // MARK: - Opening

    private func lock() throws(SpoolError) {
        let path = directory + "/lock"
        lockFD = try SpoolFileIO.open(path, O_RDWR | O_CREAT)
        if flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            Glibc.close(lockFD)
            lockFD = -1
            throw SpoolError(.locked, "spool \(directory) is in use by another eventd (\(path) is locked)")
        }
    }

    /// Whether a process holds the directory's lock (for `eventd spool --status`).
    static func isLocked(directory: String) -> Bool {
        let fd = Glibc.open(directory + "/lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0
    }

    private func recover() throws(SpoolError) {
        let names: [String]
        do {
            names = try SpoolFileIO.list(directory)
        } catch {
            if mode == .readOnly, error.code == .io { return }  // no spool directory yet: an empty spool
            throw error
        }
        let sequences = names.compactMap(SpoolSegment.sequence(ofFileName:)).sorted()
        let cursor = SpoolCursor.read(directory: directory)
        // Never reuse a sequence number the cursor may name: a segment numbered below the cursor is
        // taken for replayed and deleted at the next start, so new records must always land above it,
        // even when every file is gone (replayed and removed by an earlier run).
        nextSequence = max(sequences.last ?? 0, cursor?.segment ?? 0) + 1
        head = SpoolPosition(segment: nextSequence, offset: 0)
        for sequence in sequences {
            let path = path(of: sequence)
            let fd = try SpoolFileIO.open(path, O_RDONLY)
            defer { Glibc.close(fd) }
            let size = try SpoolFileIO.size(fd, path: path)
            let replayedBeforeLastStop = cursor.map { sequence < $0.segment } ?? false
            var start = 0
            if let cursor, sequence == cursor.segment { start = min(cursor.offset, size) }
            if replayedBeforeLastStop { start = size }
            var segment = SpoolSegment(sequence: sequence, size: size, records: 0)
            var reader = SpoolSegmentReader(fd: fd, path: path, size: size)
            var offset = 0
            while let (item, next) = try reader.next(at: offset) {
                switch item {
                case .record(let at, let meta):
                    segment.records += 1
                    if at >= start {
                        pendingTimes.append(meta.spooledAt)
                        pendingBytes += meta.recordBytes
                    }
                case .bad(let range):
                    if range.lowerBound >= start { badSpans.append((sequence, range)) }
                }
                offset = next
            }
            if replayedBeforeLastStop {
                // Replayed before the last run stopped; its deletion did not happen or was not durable.
                if mode == .readWrite { try remove(segment, because: "replayed before the last stop") }
                continue
            }
            if segments.isEmpty { head = SpoolPosition(segment: sequence, offset: start) }
            segments.append(segment)
        }
        if !segments.isEmpty || !badSpans.isEmpty {
            logger.notice("spool opened with records to replay", metadata: [
                LogKey.path: "\(directory)", "records": "\(pendingRecords)", LogKey.bytes: "\(pendingBytes)",
                "segments": "\(segments.count)", "invalid_spans": "\(badSpans.count)",
            ])
        }
        if mode == .readWrite { try dropConsumedSegments() }
    }

    /// Deletes segments wholly behind the replay position, and the last one too once replay reached its
    /// end (a new segment is started for the next append), so disk space comes back promptly.
    func dropConsumedSegments() throws(SpoolError) {
        while let first = segments.first,
              first.sequence < head.segment || (first.sequence == head.segment && head.offset >= first.size) {
            if readFD?.sequence == first.sequence, let read = readFD {
                Glibc.close(read.fd)
                readFD = nil
            }
            if segments.count == 1, let fd = writeFD {
                Glibc.close(fd)
                writeFD = nil
                unsynced = false
            }
            try remove(first, because: "replayed")
            segments.removeFirst()
            if head.segment <= first.sequence {
                // Replay had reached this segment's end: continue at the start of the next one.
                head = SpoolPosition(segment: segments.first?.sequence ?? nextSequence, offset: 0)
            }
        }
        badSpans.removeAll { span in
            span.segment < head.segment || (span.segment == head.segment && span.range.upperBound <= head.offset)
        }
    }

    /// Deletes a wholly replayed segment's file. Every removal is logged with what the segment held, so
    /// that an operator can always account for records that left the spool.
    private func remove(_ segment: SpoolSegment, because reason: String) throws(SpoolError) {
        let path = path(of: segment.sequence)
        try SpoolFileIO.remove(path)
        logger.info("spool: segment removed", metadata: [
            LogKey.segment: "\(path)", LogKey.reason: "\(reason)", "records": "\(segment.records)",
            LogKey.bytes: "\(segment.size)",
        ])
    }
}
