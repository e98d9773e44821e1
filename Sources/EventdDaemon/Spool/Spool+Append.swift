import EventdCore
#if canImport(Glibc)
import Glibc
#endif

extension Spool {
    /// Appends one record per batch, all or nothing, and returns once they are durable as
    /// `settings.fsync` defines it. Only then may the batches' senders be confirmed (`.spooled`).
    ///
    /// - Throws: `SpoolError` `.full` when the records would take the spool past `max_bytes`, or the disk
    ///   is full; `.io` for other failures. Whatever was written of the batches is truncated away, so a
    ///   refused batch is never also replayed — it stays with the loader, which keeps it in memory.
    func append(_ batches: [IngestBatch], now: Int64 = Timestamp.now()) throws(SpoolError) {
        precondition(mode == .readWrite, "a read-only spool cannot append")
        let metas = batches.map { SpoolRecord.meta(of: $0, spooledAt: now) }
        let total = metas.reduce(0) { $0 + $1.recordBytes }
        guard diskBytes + total <= settings.maxBytes else {
            metrics?.full.increment()
            throw SpoolError(.full, "spool \(directory) holds \(diskBytes) of its \(settings.maxBytes) bytes (spool.max_bytes)")
        }
        let fd = try segmentForAppend(adding: total)
        let index = segments.count - 1
        let start = segments[index].size
        let path = path(of: segments[index].sequence)
        do {
            for (batch, meta) in zip(batches, metas) {
                let prefix = SpoolRecord.prefix(for: batch, meta: meta)
                let written: Result<Void, SpoolError> = prefix.withUnsafeBytes { prefixBytes in
                    batch.events.withUnsafeBytes { events in
                        batch.rejections.withUnsafeBytes { rejections in
                            Result { () throws(SpoolError) in
                                try SpoolFileIO.writeAll(fd, [prefixBytes, events, rejections], path: path)
                            }
                        }
                    }
                }
                try written.get()
                if settings.fsync == .always { try SpoolFileIO.dataSync(fd, path: path) }
            }
            switch settings.fsync {
            case .batch: try SpoolFileIO.dataSync(fd, path: path)
            case .interval: unsynced = true
            case .always, .never: break
            }
        } catch {
            // Take back the partial records: nothing of this cut is confirmed, so nothing may be replayed.
            do {
                try SpoolFileIO.truncate(fd, to: start, path: path)
            } catch let truncateError {
                // The bytes stay; replay will load them (or quarantine a torn end) and the primary key
                // absorbs the copy the loader commits itself. Stop appending to this segment.
                logger.error("spool: could not take back a failed write", metadata: [LogKey.error: "\(truncateError)"])
                segments[index].size = (try? SpoolFileIO.size(fd, path: path)) ?? start
                Glibc.close(fd)
                writeFD = nil
            }
            if error.code == .full { metrics?.full.increment() }
            throw error
        }
        segments[index].size = start + total
        segments[index].records += batches.count
        if settings.fsync == .interval { syncIfDue() }
        for meta in metas {
            pendingTimes.append(meta.spooledAt)
            pendingBytes += meta.recordBytes
            metrics?.eventsSpooled.increment(by: meta.eventRows)
        }
        publish(now: now)
    }

    /// With `fsync = "interval"`: forces written records to disk once `fsync_interval` has passed since
    /// the last time. The loader calls it on every wake-up (at least once a second).
    func syncIfDue(now: ContinuousClock.Instant = .now) {
        guard unsynced, let fd = writeFD, now - lastSync >= settings.fsyncInterval else { return }
        do {
            try SpoolFileIO.dataSync(fd, path: directory)
            unsynced = false
            lastSync = now
        } catch {
            logger.error("spool: fdatasync failed", metadata: [LogKey.error: "\(error)"])
        }
    }

    /// The segment to append `bytes` to: the open one, or a new one when there is none (this process
    /// never appends to a segment a previous run left) or the open one would pass `segment_bytes`.
    private func segmentForAppend(adding bytes: Int) throws(SpoolError) -> Int32 {
        if let fd = writeFD, let last = segments.last {
            if last.size == 0 || last.size + bytes <= settings.segmentBytes { return fd }
            if unsynced { try SpoolFileIO.dataSync(fd, path: path(of: last.sequence)) }
            Glibc.close(fd)
            writeFD = nil
            unsynced = false
        }
        let sequence = nextSequence
        let path = path(of: sequence)
        let fd = try SpoolFileIO.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND)
        if settings.fsync != .never {
            do {
                try SpoolFileIO.syncDirectory(directory)
            } catch {
                Glibc.close(fd)
                try? SpoolFileIO.remove(path)
                throw error
            }
        }
        nextSequence += 1
        if segments.isEmpty { head = SpoolPosition(segment: sequence, offset: 0) }
        segments.append(SpoolSegment(sequence: sequence, size: 0, records: 0))
        writeFD = fd
        return fd
    }
}
