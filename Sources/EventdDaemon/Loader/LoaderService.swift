import EventdCore
import EventdPostgres
import Foundation
import Logging
import ServiceLifecycle

/// Drains the ring into PostgreSQL: the one consumer of the ring, cutting COPY batches and committing
/// them on up to `loader.connections` connections at once — its own, and `CopyLane`s.
///
/// libpq is blocking, so the loop runs on a thread of its own rather than on the cooperative pool
/// or an event loop; so does each lane. The retry, spool and drain policy stays on the loop's thread:
/// a lane that fails to load a cut hands it back (`LoaderService+Lanes.swift`). On graceful shutdown the ring is closed (the sources have already stopped,
/// since they are listed after the loader), the loop commits what is left and the service returns;
/// if PostgreSQL stays away past `drainTimeout`, the remaining events are counted as dropped and logged.
///
/// With a disk spool (`[spool]`), cuts that PostgreSQL cannot take go to the spool instead and are
/// replayed later (`LoaderService+Spool.swift`, policy in `SpoolRouting`); at shutdown, what PostgreSQL
/// cannot take is spooled rather than dropped.
///
/// Confirmations: this loop is the only caller of `IngestBatch.complete`, and calls it with
/// `.committed` only after COMMIT returned, with `.spooled` only after `Spool.append` returned (the
/// record is durable per `spool.fsync`), and with `.failed` otherwise. Senders (TCP acks, HTTP 2xx)
/// answer from that call, so nothing is confirmed that is neither in PostgreSQL nor in the spool.
public final class LoaderService: Service, @unchecked Sendable {
    public struct Settings: Sendable {
        public var batchRows: Int
        public var batchDelay: Duration
        /// COPY connections at once (`loader.connections`): the loader thread's own plus `connections - 1` lanes.
        public var connections: Int
        public var retryInitial: Duration
        public var retryMax: Duration
        /// `loader.copy_format`: fixed at start (each COPY connection is made with it).
        public var copyFormat: CopyFormat
        public var drainTimeout: Duration
        /// `.null` discards batches instead of loading them (benchmarks: the daemon's cost alone).
        public var sink: LoaderSink
        public init(batchRows: Int = 5_000, batchDelay: Duration = .zero, connections: Int = 2,
                    retryInitial: Duration = .milliseconds(100), retryMax: Duration = .seconds(2),
                    copyFormat: CopyFormat = .binary, drainTimeout: Duration = .seconds(30), sink: LoaderSink = .postgres) {
            self.sink = sink
            self.batchRows = batchRows
            self.batchDelay = batchDelay
            self.connections = connections
            self.retryInitial = retryInitial
            self.retryMax = retryMax
            self.copyFormat = copyFormat
            self.drainTimeout = drainTimeout
        }
    }

    let ring: IngestRing
    let pool: BatchPool
    /// Replaced by a config reload (`update(_:)`); read once per COPY batch.
    let liveSettings: LiveValue<Settings>
    var settings: Settings { liveSettings.value }
    let loader: CopyLoader
    let connect: @Sendable () throws -> PostgresConnection
    /// Whether a server answers, without logging in (between retries while PostgreSQL is down).
    let ping: @Sendable () -> PostgresPing
    let metrics: EventdMetrics
    let health: DaemonHealth
    let logger: Logger
    let clock = ContinuousClock()
    /// The disk spool, if configured; touched only by the loader thread.
    let spool: Spool?
    var routing: SpoolRouting
    var probeBackoff: Backoff
    /// Whether the last spool append failed (logged once per episode, not per retry).
    var spoolRefusing = false
    /// What to log while PostgreSQL is unreachable: not a line per retry.
    var outageLog = OutageLog()
    var lastPublish: ContinuousClock.Instant

    init(ring: IngestRing, pool: BatchPool, settings: Settings, metrics: EventdMetrics, health: DaemonHealth,
         logger: Logger, spool: Spool?, connect: @escaping @Sendable () throws -> PostgresConnection,
         ping: @escaping @Sendable () -> PostgresPing = { .answering }) {
        self.ring = ring
        self.pool = pool
        self.liveSettings = LiveValue(settings)
        self.metrics = metrics
        self.health = health
        self.logger = logger
        self.spool = spool
        self.routing = SpoolRouting(divertAfter: spool?.settings.divertAfter ?? .seconds(0))
        self.probeBackoff = Backoff(initial: settings.retryInitial, maximum: settings.retryMax)
        self.lastPublish = clock.now
        self.connect = connect
        self.ping = ping
        self.loader = CopyLoader(logger: logger, format: settings.copyFormat, connect: connect)
    }

    /// Applies `[loader]` from a reloaded config: from the next batch on (batch size and delay) and the
    /// next failure on (retry backoff). The shutdown drain timeout stays as it was at start.
    public func update(_ loader: LoaderConfig) {
        var settings = liveSettings.value
        settings.batchRows = loader.batchRows
        settings.batchDelay = loader.batchDelay
        settings.retryInitial = loader.retryInitial
        settings.retryMax = loader.retryMax
        liveSettings.set(settings)
    }

    public convenience init(ring: IngestRing, pool: BatchPool, settings: Settings, metrics: EventdMetrics,
                            health: DaemonHealth, logger: Logger,
                            connect: @escaping @Sendable () throws -> PostgresConnection) {
        self.init(ring: ring, pool: pool, settings: settings, metrics: metrics, health: health, logger: logger,
                  spool: nil, connect: connect)
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    self.loop()
                    done.resume()
                }
                thread.name = "eventd-loader"
                thread.start()
            }
        } onGracefulShutdown: { [ring] in
            ring.close()
        }
    }

    // MARK: - The loader thread

    private func loop() {
        connectAtStart()
        let lanes = startLanes()
        func makeCutter() -> BatchCutter {
            let settings = self.settings
            return BatchCutter(maxRows: settings.batchRows, linger: settings.batchDelay)
        }
        var cutter = makeCutter()
        var pending: [IngestBatch] = []
        // With a spool to replay, a replay chunk gets the turn after each live cut (see SpoolRouting).
        var replayTurn = false
        func flushPending() {
            deliver(pending, lanes: lanes)
            pending = []
            cutter = makeCutter()
            replayTurn = true
        }
        while true {
            if replayTurn, let spool {
                replayTurn = false
                if routing.shouldReplay(spoolEmpty: spool.isEmpty) { replayChunk(from: spool) }
            }
            if let batch = ring.tryPop() {
                pending.append(batch)
                cutter.add(rows: max(1, batch.events.rowCount), at: clock.now)
                if cutter.isFull { flushPending() }
                continue
            }
            // The ring looks empty: group commit — flush what is pending now (or once it has lingered
            // `batch_delay`); rows that arrive meanwhile form the next batch. Else sleep until rows arrive.
            // While every lane is busy, keep collecting instead: a lane finishing wakes this wait, and only
            // a full cut is committed on this thread's connection alongside (see `mayCommitNow`).
            let now = clock.now
            if cutter.isDue(at: now), mayCommitNow(lanes: lanes) {
                flushPending()
                continue
            }
            // Due but every lane busy: sleep until a lane finishes (it interrupts the wait) or rows arrive.
            var timeout = cutter.isDue(at: now) ? .seconds(1) : cutter.deadline.map { $0 - now } ?? .seconds(1)
            if spool != nil {
                if spoolHousekeeping(at: now, idle: pending.isEmpty) {
                    replayTurn = true
                    continue
                }
                if let wake = routing.wakeUpAt { timeout = max(.zero, min(timeout, wake - now)) }
            }
            let woke = ring.waitForElements(timeout: timeout)
            retryHandedBack(lanes)
            if woke == .closed {
                // Closed, and everything pushed before the close has been popped.
                if !pending.isEmpty { flushPending() }
                stopLanes(lanes)
                break
            }
        }
        spool?.close()
        if settings.sink == .postgres { loader.disconnect() }
        health.setDatabaseConnected(false)
        logger.info("loader stopped; the ring is drained")
    }

    private func connectAtStart() {
        if settings.sink == .null {
            health.setDatabaseConnected(true)
            return
        }
        do {
            _ = try loader.connectIfNeeded()
            noteServer(loader.server)
            health.setDatabaseConnected(true)
            metrics.postgresConnected.record(1)
        } catch {
            noteDatabaseFailure(error, during: "start")
            if spool != nil { routing.databaseFailed(at: clock.now, probeDelay: probeBackoff.nextDelay()) }
        }
    }

    /// Hands a cut to PostgreSQL — on an idle lane if there is one, else on this thread — or, with a
    /// spool, when `SpoolRouting` says so, to the spool. Takes ownership of the batches (recycles them).
    private func deliver(_ batches: [IngestBatch], lanes: [CopyLane]) {
        retryHandedBack(lanes)
        if spool != nil {
            let now = clock.now
            routing.observeRing(behind: ringIsBehind, at: now)
            if routing.route(at: now) == .spool, spoolCut(batches) {
                recycle(batches)
                return
            }
        }
        if let lane = lanes.first(where: \.isIdle) {
            lane.assign(batches)
            return
        }
        flush(batches)
        recycle(batches)
    }

    func recycle(_ batches: [IngestBatch]) {
        for batch in batches { pool.recycle(batch) }
    }

    /// Commits `batches`, retrying across reconnects until it succeeds or the shutdown drain
    /// deadline passes; then tells each batch's sender what happened.
    func flush(_ batches: [IngestBatch]) {
        let settings = self.settings
        if settings.sink == .null {
            discard(batches)
            return
        }
        var backoff = Backoff(initial: settings.retryInitial, maximum: settings.retryMax)
        var giveUpAt: ContinuousClock.Instant?
        while true {
            let started = clock.now
            do {
                let report = try loader.load(batches)
                noteDatabaseReachable(resuming: "loading resumed")
                noteServer(loader.server)
                health.setDatabaseConnected(true)
                metrics.postgresConnected.record(1)
                routing.copySucceeded()
                probeBackoff.reset()
                record(report, batches: batches, took: clock.now - started)
                complete(batches, with: report)
                return
            } catch {
                noteDatabaseFailure(error, during: "COPY")
                health.setDatabaseConnected(false)
                metrics.postgresConnected.record(0)
                metrics.postgresReconnects.increment()
                metrics.ringDepth.record(ring.approximateCount)
                metrics.ringBytes.record(ring.approximateByteCount)
                if spool != nil {
                    // Past `divert_after` (or at shutdown), the cut goes to the spool and its senders are
                    // confirmed from there; if the spool is full it stays here and is retried.
                    let now = clock.now
                    if routing.copyFailed(at: now) == .spool || ring.isClosed, spoolCut(batches) {
                        routing.databaseFailed(at: now, probeDelay: probeBackoff.nextDelay())
                        return
                    }
                }
                if ring.isClosed {
                    let deadline = giveUpAt ?? clock.now + settings.drainTimeout
                    giveUpAt = deadline
                    if clock.now >= deadline {
                        let rows = batches.reduce(0) { $0 + $1.events.rowCount }
                        metrics.droppedShutdown.increment(by: rows)
                        logger.error("shutdown deadline passed with PostgreSQL unreachable; events not committed", metadata: [
                            LogKey.rows: "\(rows)", LogKey.error: "\(error)",
                        ])
                        for batch in batches { batch.complete(.failed(reason: "PostgreSQL unreachable at shutdown")) }
                        return
                    }
                }
                waitBeforeRetry(backoff.nextDelay())
            }
        }
    }

    /// Sleeps `delay` before the next attempt, or less: as soon as a ping finds PostgreSQL back after
    /// finding nobody there (see `ReconnectWait`).
    private func waitBeforeRetry(_ delay: Duration) {
        var wait = ReconnectWait(delay: delay, from: clock.now)
        while true {
            switch wait.next(at: clock.now) {
            case .retry:
                return
            case .sleep(let rest):
                Thread.sleep(forTimeInterval: rest.seconds)
                return
            case .sleepThenPing(let slice):
                Thread.sleep(forTimeInterval: slice.seconds)
                if wait.observe(ping()) { return }
            }
        }
    }

    /// The null sink: every row counts as committed and every sender is told so; nothing is stored.
    private func discard(_ batches: [IngestBatch]) {
        let rows = batches.reduce(0) { $0 + $1.events.rowCount }
        record(LoadReport(inserted: rows, duplicates: 0, refused: []), batches: batches, took: .zero)
        complete(batches, with: LoadReport(inserted: rows, duplicates: 0, refused: []))
    }

    func record(_ report: LoadReport, batches: [IngestBatch], took: Duration) {
        health.recordCommitted(inserted: report.inserted, duplicates: report.duplicates)
        metrics.rowsCommitted.increment(by: report.inserted)
        metrics.rowsDuplicate.increment(by: report.duplicates)
        metrics.rowsRefused.increment(by: report.refused.count)
        metrics.batchRows.record(report.inserted + report.duplicates + report.refused.count)
        metrics.copyDuration.recordNanoseconds(took.nanoseconds)
        metrics.ringDepth.record(ring.approximateCount)
        metrics.ringBytes.record(ring.approximateByteCount)
    }

    func complete(_ batches: [IngestBatch], with report: LoadReport) {
        guard batches.contains(where: { $0.hasCompletion }) else { return }
        var refusedByBatch: [Int: [RefusedRow]] = [:]
        for refused in report.refused { refusedByBatch[refused.row.batch, default: []].append(refused) }
        for (index, batch) in batches.enumerated() {
            let refused = refusedByBatch[index] ?? []
            batch.complete(.committed(refusedByDatabase: refused.map { $0.error.message }))
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
    var nanoseconds: Int64 {
        let (s, attos) = components
        return s * 1_000_000_000 + attos / 1_000_000_000
    }
}
