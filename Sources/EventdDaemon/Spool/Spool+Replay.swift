import EventdCore
#if canImport(Glibc)
import Glibc
#endif

extension Spool {
    /// Reads records from the replay position, oldest first, into batches from `pool` until they hold
    /// `maxRows` rows (at least one record). Nothing moves until `commit(_:)`; if the COPY fails the
    /// same records are read again.
    ///
    /// A torn or corrupt span met at the replay position is quarantined there and then (moved aside,
    /// counted, logged with segment and offset) and skipped; one met after some records ends the chunk,
    /// so that the next call quarantines it. Never a crash loop: bad bytes cost a log line, not a restart.
    func readChunk(maxRows: Int, pool: BatchPool) throws(SpoolError) -> SpoolChunk? {
        var batches: [IngestBatch] = []
        var rows = 0
        var bytes = 0
        var position = head
        while rows < maxRows {
            guard let index = segments.firstIndex(where: { $0.sequence == position.segment }) else { break }
            let segment = segments[index]
            let fd = try readDescriptor(for: segment.sequence)
            var reader = SpoolSegmentReader(fd: fd, path: path(of: segment.sequence), size: segment.size)
            guard let (item, next) = try reader.next(at: position.offset) else {
                // End of this segment; the one being appended to ends the spool for now.
                guard index + 1 < segments.count else { break }
                position = SpoolPosition(segment: segments[index + 1].sequence, offset: 0)
                continue
            }
            switch item {
            case .record(let offset, let meta):
                let batch = pool.take()
                let restored = reader.withRecord { SpoolRecord.restore($0, meta: meta, into: batch) }
                guard restored else {
                    pool.recycle(batch)
                    guard batches.isEmpty else { return SpoolChunk(batches: batches, end: position, bytes: bytes) }
                    try quarantine(segment: segment.sequence, offset ..< next, records: 1)
                    try skip(to: SpoolPosition(segment: segment.sequence, offset: next), from: &position)
                    continue
                }
                batches.append(batch)
                rows += meta.eventRows
                bytes += meta.recordBytes
                position.offset = next
            case .bad(let range):
                guard batches.isEmpty else { return SpoolChunk(batches: batches, end: position, bytes: bytes) }
                try quarantine(segment: segment.sequence, range, records: 0)
                try skip(to: SpoolPosition(segment: segment.sequence, offset: next), from: &position)
            }
        }
        return batches.isEmpty ? nil : SpoolChunk(batches: batches, end: position, bytes: bytes)
    }

    /// Marks a chunk's records as committed in PostgreSQL: moves the replay position past them, saves it,
    /// and deletes segments that are now wholly replayed.
    func commit(_ chunk: SpoolChunk) throws(SpoolError) {
        pendingStart = min(pendingTimes.count, pendingStart + chunk.batches.count)
        pendingBytes = max(0, pendingBytes - chunk.bytes)
        metrics?.eventsReplayed.increment(by: chunk.rows)
        try advanceHead(to: chunk.end)
        publish()
    }

    /// Moves the replay position past a quarantined span. If that span ended its segment, the segment
    /// is deleted and the position continues in the next one: reading goes on from there (it used to
    /// stop, so a torn tail hid the records of the segments after it until the next call).
    private func skip(to end: SpoolPosition, from position: inout SpoolPosition) throws(SpoolError) {
        try advanceHead(to: end)
        position = head
    }

    private func advanceHead(to position: SpoolPosition) throws(SpoolError) {
        head = position
        try dropConsumedSegments()
        if pendingStart > 1_024, pendingStart * 2 > pendingTimes.count {
            pendingTimes.removeFirst(pendingStart)
            pendingStart = 0
        }
        if segments.isEmpty {
            pendingTimes.removeAll(keepingCapacity: true)
            pendingStart = 0
            pendingBytes = 0
        }
        do {
            try SpoolCursor.write(head, directory: directory)
        } catch {
            logger.warning("spool: could not save the replay position", metadata: [LogKey.error: "\(error)"])
        }
    }

    private func readDescriptor(for sequence: UInt64) throws(SpoolError) -> Int32 {
        if let read = readFD, read.sequence == sequence { return read.fd }
        if let read = readFD { Glibc.close(read.fd) }
        readFD = nil
        let fd = try SpoolFileIO.open(path(of: sequence), O_RDONLY)
        readFD = (sequence, fd)
        return fd
    }

    /// Copies a bad span into `quarantine/segment-<seq>.log.at-<offset>` for an operator to inspect,
    /// counts and logs it. The span itself is then skipped (the segment is deleted once replayed).
    func quarantine(segment sequence: UInt64, _ range: Range<Int>, records: Int) throws(SpoolError) {
        let source = path(of: sequence)
        let target = quarantineDirectory + "/" + SpoolSegment.fileName(sequence) + ".at-\(range.lowerBound)"
        metrics?.quarantined.increment()
        metrics?.quarantinedBytes.increment(by: range.count)
        logger.error("spool: torn or corrupt record quarantined", metadata: [
            LogKey.segment: "\(source)", LogKey.offset: "\(range.lowerBound)", LogKey.bytes: "\(range.count)",
            LogKey.path: "\(target)",
        ])
        do {
            let fd = try readDescriptor(for: sequence)
            var bytes: [UInt8] = []
            let got = try SpoolFileIO.read(fd, at: range.lowerBound, count: range.count, into: &bytes, path: source)
            try SpoolFileIO.makeDirectory(quarantineDirectory)
            let out = try SpoolFileIO.open(target, O_WRONLY | O_CREAT | O_TRUNC)
            defer { Glibc.close(out) }
            let written: Result<Void, SpoolError> = bytes.withUnsafeBytes { raw in
                Result { () throws(SpoolError) in
                    try SpoolFileIO.writeAll(out, [UnsafeRawBufferPointer(rebasing: raw[..<got])], path: target)
                }
            }
            try written.get()
        } catch {
            // Keeping the bad bytes is a courtesy; failing to must not stop replay of the good ones.
            logger.error("spool: could not copy the quarantined span", metadata: [LogKey.error: "\(error)"])
        }
    }
}
