import EventdCore
import Logging

/// The loader's side of the disk spool: writing cuts to it, probing for PostgreSQL while it is down,
/// and replaying spooled records through the same COPY path once it is back. All on the loader thread.
extension LoaderService {
    /// At least half the ring's slots or bytes are taken: the loader is not keeping up.
    var ringIsBehind: Bool {
        ring.approximateCount * 2 >= ring.capacity || ring.approximateByteCount >= ring.byteLimit / 2
    }

    /// Appends a cut to the spool and, once the records are durable, confirms its senders (`.spooled`).
    /// - Returns: false when the spool refused (full, disk full, I/O error): the caller keeps the cut.
    func spoolCut(_ batches: [IngestBatch]) -> Bool {
        guard let spool else { return false }
        do {
            try spool.append(batches)
        } catch {
            if !spoolRefusing {
                spoolRefusing = true
                logger.warning("the spool refused a batch; it stays in memory and senders are held back", metadata: [
                    LogKey.error: "\(error)", LogKey.reason: "\(error.code.rawValue)",
                ])
            }
            return false
        }
        if spoolRefusing {
            spoolRefusing = false
            logger.notice("the spool accepts batches again")
        }
        // The confirmation invariant: `append` returned, so the records are durable per spool.fsync.
        for batch in batches { batch.complete(.spooled) }
        return true
    }

    /// Periodic spool work while the ring is empty: the interval fsync, the depth gauges (once a
    /// second), and a probe for PostgreSQL while it is down.
    /// - Returns: true when a replay chunk is due now (PostgreSQL is up, records wait, nothing pending).
    func spoolHousekeeping(at now: ContinuousClock.Instant, idle: Bool) -> Bool {
        guard let spool else { return false }
        spool.syncIfDue(now: now)
        if now - lastPublish >= .seconds(1) {
            spool.publish()
            lastPublish = now
        }
        machine.observeRing(behind: ringIsBehind, at: now)
        if machine.routing.shouldProbe(at: now) { probe() }
        return idle && machine.routing.shouldReplay(spoolEmpty: spool.isEmpty)
    }

    /// Tries to reach PostgreSQL; on success replay starts, else the next probe waits longer.
    private func probe() {
        do {
            try sink.open()
            machine.databaseAnswered()
            health.setDatabaseConnected(true)
            metrics.postgresConnected.record(1)
            noteDatabaseReachable(resuming: "replaying \(spool?.pendingRecords ?? 0) spooled record(s)")
        } catch {
            metrics.postgresReconnects.increment()
            noteDatabaseFailure(error, during: "probe")
            machine.databaseFailed(at: clock.now, unit: .random(in: 0..<1))
        }
    }

    /// Loads one chunk of spooled records (up to `batch_rows` rows) and moves the replay position past it.
    func replayChunk(from spool: Spool) {
        let chunk: SpoolChunk
        do {
            guard let read = try spool.readChunk(maxRows: settings.batchRows, pool: pool) else { return }
            chunk = read
        } catch {
            // The disk, not PostgreSQL: wait as for a failed database, then try again.
            logger.error("spool: reading records for replay failed", metadata: [LogKey.error: "\(error)"])
            machine.databaseFailed(at: clock.now, unit: .random(in: 0..<1))
            return
        }
        defer { for batch in chunk.batches { pool.recycle(batch) } }
        let started = clock.now
        do {
            let report = try sink.load(chunk.batches)
            noteDatabaseReachable(resuming: "replaying the spool")
            record(report, batches: chunk.batches, took: clock.now - started)
            health.setDatabaseConnected(true)
            metrics.postgresConnected.record(1)
        } catch {
            health.setDatabaseConnected(false)
            metrics.postgresConnected.record(0)
            metrics.postgresReconnects.increment()
            noteDatabaseFailure(error, during: "spool replay (the records are kept)")
            machine.databaseFailed(at: clock.now, unit: .random(in: 0..<1))
            return
        }
        do {
            try spool.commit(chunk)
        } catch {
            logger.error("spool: could not move the replay position", metadata: [LogKey.error: "\(error)"])
        }
        if spool.isEmpty { logger.info("spool replayed; it is empty") }
    }
}
