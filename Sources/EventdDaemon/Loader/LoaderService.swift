import EventdCore
import EventdPostgres
import Foundation
import Logging
import ServiceLifecycle

/// Drains the ring into PostgreSQL: the one consumer of the ring, cutting COPY batches and committing
/// them on up to `loader.connections` connections at once: as many `CopyLane`s as raise throughput
/// (`CopyStreams`, policy in `StreamScaler`), or on its own connection with `connections = 1`.
///
/// The decisions are values: retry vs spool vs drain deadline and where a cut goes are
/// `LoaderStateMachine`'s, fast COPY → staging → bisect → dead letter is `CopyStateMachine`'s; this
/// class and `CopyLoader` carry their actions out against libpq, the spool and the lanes.
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
    /// `[loader]` as configured, with what the loader takes from elsewhere; `settings.batchRows` reads `[loader]`.
    @dynamicMemberLookup
    public struct Settings: Sendable {
        /// The `[loader]` section. `connections` (up to that many COPY lanes, as many as pay,
        /// `StreamScaler`; with 1 the loader thread loads itself) and `copyFormat` (each COPY connection is made with it) are
        /// fixed at start; a reload replaces the rest (`update(_:)`).
        public var loader: LoaderConfig
        /// `shutdown.drain_timeout`.
        public var drainTimeout: Duration
        /// `.null` discards batches instead of loading them (benchmarks: the daemon's cost alone).
        public var sink: LoaderSink

        public init(_ loader: LoaderConfig = LoaderConfig(), drainTimeout: Duration = ShutdownConfig().drainTimeout,
                    sink: LoaderSink = .postgres) {
            self.loader = loader
            self.drainTimeout = drainTimeout
            self.sink = sink
        }

        public subscript<Value>(dynamicMember key: KeyPath<LoaderConfig, Value>) -> Value {
            loader[keyPath: key]
        }
    }

    let ring: IngestRing
    let pool: BatchPool
    /// Replaced by a config reload (`update(_:)`); read once per COPY batch.
    let liveSettings: LiveValue<Settings>
    var settings: Settings { liveSettings.value }
    /// This thread's own sink (its connection, for the COPY sink).
    let sink: any CutSink
    let connect: @Sendable () throws -> PostgresConnection
    /// Whether a server answers, without logging in (between retries while PostgreSQL is down).
    let ping: @Sendable () -> PostgresPing
    let metrics: EventdMetrics
    let health: DaemonHealth
    let logger: Logger
    let clock = ContinuousClock()
    /// The disk spool, if configured; touched only by the loader thread.
    let spool: Spool?
    /// Retry vs spool vs drain deadline, and where a cut goes (`LoaderStateMachine`).
    var machine: LoaderStateMachine
    /// Whether the last spool append failed (logged once per episode, not per retry).
    var spoolRefusing = false
    /// What to log while PostgreSQL is unreachable: not a line per retry.
    var outageLog = OutageLog()
    /// Rows and busy time per COPY stream, for `StreamScaler` and the per-stream metrics.
    let streamLedger: CopyStreamLedger
    /// Signalled by a lane each time it finishes a cut (`waitForIdleLane`).
    let laneFreed = DispatchSemaphore(value: 0)
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
        self.machine = LoaderStateMachine(
            policy: .init(retryInitial: settings.retryInitial, retryMax: settings.retryMax,
                          drainTimeout: settings.drainTimeout, hasSpool: spool != nil),
            divertAfter: spool?.settings.divertAfter ?? .seconds(0))
        self.lastPublish = clock.now
        self.streamLedger = CopyStreamLedger(streams: max(1, settings.connections))
        self.connect = connect
        self.ping = ping
        self.sink = settings.sink.make(logger: logger, format: settings.copyFormat, connect: connect)
    }

    /// Applies `[loader]` from a reloaded config: from the next batch on (batch size and delay) and the
    /// next failure on (retry backoff). The shutdown drain timeout stays as it was at start.
    /// `loader` is what `ConfigReloader` applies: its restart-only keys (`connections`, `copy_format`)
    /// already hold the running values (`applyingLiveSettings`, from the keys' `reload:` declarations).
    public func update(_ loader: LoaderConfig) {
        var settings = liveSettings.value
        settings.loader = loader
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
        // The lanes load every live cut: this thread's connection would only hold a backend.
        if !lanes.isEmpty { sink.disconnect() }
        var streams = CopyStreams(lanes: lanes, ledger: streamLedger, metrics: metrics, logger: logger, now: clock.now)
        func makeCutter() -> BatchCutter {
            let settings = self.settings
            return BatchCutter(maxRows: settings.batchRows, linger: settings.batchDelay)
        }
        var cutter = makeCutter()
        let parallelCommit = ParallelCommitRule()
        var pending: [IngestBatch] = []
        var largeBatchRelease = IdleLargeBatchRelease(now: clock.now)
        // With a spool to replay, a replay chunk gets the turn after each live cut (see SpoolRouting).
        var replayTurn = false
        func flushPending() {
            let started = clock.now
            waitForIdleLane(streams.lanesInUse)
            deliver(pending, lanes: streams.lanesInUse)
            // Handing a cut to a lane takes microseconds; loading it on this thread (or spooling it) holds
            // the thread, and rows that queued in the ring meanwhile waited for a stream (`StreamScaler`).
            if ring.approximateCount > 0 { streams.noteWaiting(clock.now - started) }
            pending = []
            cutter = makeCutter()
            replayTurn = true
            streams.endWindowIfDue(at: clock.now)
        }
        while true {
            if replayTurn, let spool {
                replayTurn = false
                if machine.routing.shouldReplay(spoolEmpty: spool.isEmpty) { replayChunk(from: spool) }
            }
            if let batch = ring.tryPop() {
                let now = clock.now
                pending.append(batch)
                cutter.add(rows: max(1, batch.events.rowCount), at: now)
                largeBatchRelease.batchPopped(at: now)
                if cutter.isFull { flushPending() }
                continue
            }
            // The ring looks empty: group commit — flush what is pending now (or once it has lingered
            // `batch_delay`); rows that arrive meanwhile form the next batch. Else sleep until rows arrive.
            // While a lane is busy, a small cut keeps collecting instead of committing beside it, and while
            // every lane is busy any cut does (`ParallelCommitRule`): a lane finishing wakes this wait, and
            // a full cut waits for the first lane to finish (`waitForIdleLane`).
            let now = clock.now
            streams.endWindowIfDue(at: now)
            if pending.isEmpty, largeBatchRelease.isDue(at: now) { releaseLargeBatches() }
            var timeout = cutter.deadline.map { $0 - now } ?? .seconds(1)
            var cutWaits = false
            if cutter.isDue(at: now), let openedAt = cutter.openedAt {
                let busy = busyLanes(streams.lanesInUse)
                switch parallelCommit.decide(rows: cutter.rows, openedAt: openedAt, now: now, busyStreams: busy,
                                             idleStreams: streams.lanesInUse.count - busy) {
                case .commitNow:
                    flushPending()
                    continue
                case .collect(let until):
                    timeout = until - now
                case .waitForStream:
                    // Sleep until a lane finishes (it interrupts the wait) or rows arrive. That sleep is
                    // time a cut waited for a stream (`StreamScaler` opens one when it is long).
                    cutWaits = true
                    timeout = .seconds(1)
                }
            }
            if spool != nil {
                if spoolHousekeeping(at: now, idle: pending.isEmpty) {
                    replayTurn = true
                    continue
                }
                if let wake = machine.routing.wakeUpAt { timeout = max(.zero, min(timeout, wake - now)) }
            }
            let woke = ring.waitForElements(timeout: timeout)
            if cutWaits { streams.noteWaiting(clock.now - now) }
            retryHandedBack(lanes)
            if woke == .closed {
                // Closed, and everything pushed before the close has been popped.
                if !pending.isEmpty { flushPending() }
                stopLanes(lanes)
                break
            }
        }
        spool?.close()
        sink.disconnect()
        health.setDatabaseConnected(false)
        logger.info("loader stopped; the ring is drained")
    }

    private func connectAtStart() {
        do {
            try sink.open()
            noteServer(sink.server)
            health.setDatabaseConnected(true)
            metrics.postgresConnected.record(1)
        } catch {
            noteDatabaseFailure(error, during: "start")
            if spool != nil { machine.databaseFailed(at: clock.now, unit: .random(in: 0..<1)) }
        }
    }

    /// Hands a cut to PostgreSQL — on an idle lane if there is one (with lanes, `flushPending` waited
    /// for one), else on this thread — or, with a
    /// spool, when `SpoolRouting` says so, to the spool. Takes ownership of the batches (recycles them).
    private func deliver(_ batches: [IngestBatch], lanes: [CopyLane]) {
        retryHandedBack(lanes)
        let idleLane = lanes.first(where: \.isIdle)
        var delivery = machine.deliver(at: clock.now, ringBehind: ringIsBehind, idleLane: idleLane != nil)
        if delivery == .spool {
            if spoolCut(batches) {
                recycle(batches)
                return
            }
            delivery = machine.spoolRefusedFreshCut(idleLane: idleLane != nil)
        }
        if delivery == .lane, let idleLane {
            idleLane.assign(batches)
            return
        }
        flush(batches, action: startLoad())
        recycle(batches)
    }

    /// The first action for a cut loaded on this thread, under the retry bounds in force now (a
    /// reload changes them from the next cut on).
    func startLoad(handedBack: Bool = false) -> LoaderStateMachine.Action {
        let settings = self.settings
        machine.update(retryInitial: settings.retryInitial, retryMax: settings.retryMax)
        return handedBack ? machine.laneHandedBack() : machine.loadStarted()
    }

    func recycle(_ batches: [IngestBatch]) {
        for batch in batches { pool.recycle(batch) }
    }

    /// The ring has been idle for a while (`IdleLargeBatchRelease`): gives a burst's large buffers back.
    private func releaseLargeBatches() {
        let released = pool.releaseLarge()
        guard released > 0 else { return }
        metrics.batchPoolBytes.record(pool.pooledBytes)
        logger.debug("ring idle: released the batch pool's large buffers", metadata: [LogKey.bytes: "\(released)"])
    }

    /// Commits `batches` on this thread, carrying out `machine`'s actions from `action` on: retrying
    /// across reconnects, spooling, or giving up at the drain deadline; then tells each batch's sender
    /// what happened.
    func flush(_ batches: [IngestBatch], action first: LoaderStateMachine.Action) {
        var action = first
        var lastError: (any Error)?
        while true {
            switch action {
            case .load:
                let started = clock.now
                do {
                    let report = try sink.load(batches)
                    let took = clock.now - started
                    streamLedger.record(stream: 0, rows: report.rowCount, busy: took)
                    noteLoaded(report, batches: batches, took: took)
                    action = machine.loadSucceeded()
                    complete(batches, with: report)
                } catch {
                    streamLedger.record(stream: 0, rows: 0, busy: clock.now - started)
                    lastError = error
                    noteLoadFailed(error)
                    action = machine.loadFailed(at: clock.now, ringClosed: ring.isClosed, unit: .random(in: 0..<1))
                }
            case .spool:
                action = spoolCut(batches)
                    ? machine.spoolAppended(at: clock.now, unit: .random(in: 0..<1))
                    : machine.spoolRefused(at: clock.now, ringClosed: ring.isClosed, unit: .random(in: 0..<1))
            case .wait(let delay):
                waitBeforeRetry(delay)
                action = .load
            case .dropAtShutdown:
                let rows = batches.reduce(0) { $0 + $1.events.rowCount }
                metrics.droppedShutdown.increment(by: rows)
                logger.error("shutdown deadline passed with PostgreSQL unreachable; events not committed", metadata: [
                    LogKey.rows: "\(rows)", LogKey.error: "\(lastError.map { "\($0)" } ?? "?")",
                ])
                for batch in batches { batch.complete(.failed(reason: "PostgreSQL unreachable at shutdown")) }
                return
            case .confirmCommitted, .confirmedFromSpool:
                return
            }
        }
    }

    /// A load on this thread landed: health, metrics and the outage log say so.
    private func noteLoaded(_ report: LoadReport, batches: [IngestBatch], took: Duration) {
        noteDatabaseReachable(resuming: "loading resumed")
        noteServer(sink.server)
        health.setDatabaseConnected(true)
        metrics.postgresConnected.record(1)
        record(report, batches: batches, took: took)
    }

    private func noteLoadFailed(_ error: any Error) {
        noteDatabaseFailure(error, during: "COPY")
        health.setDatabaseConnected(false)
        metrics.postgresConnected.record(0)
        metrics.postgresReconnects.increment()
        metrics.ringDepth.record(ring.approximateCount)
        metrics.ringBytes.record(ring.approximateByteCount)
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

    func record(_ report: LoadReport, batches: [IngestBatch], took: Duration) {
        health.recordCommitted(inserted: report.inserted, duplicates: report.duplicates)
        metrics.rowsCommitted.increment(by: report.inserted)
        metrics.rowsDuplicate.increment(by: report.duplicates)
        metrics.rowsRefused.increment(by: report.refused.count)
        metrics.batchRows.record(report.inserted + report.duplicates + report.refused.count)
        metrics.copyDuration.recordNanoseconds(took.nanoseconds)
        metrics.ringDepth.record(ring.approximateCount)
        metrics.ringBytes.record(ring.approximateByteCount)
        metrics.batchPoolBytes.record(pool.pooledBytes)
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
