import Dispatch
import EventdCore
import Logging

/// The loader's COPY connections (`CopyLane`): started with the loop, fed cuts by `deliver`, drained
/// and stopped when the ring closes.
///
/// With lanes, every live cut is loaded on a lane and the loader thread only pops, cuts and hands out.
/// Why: when the loader thread loaded a full cut on its own connection while the lanes were busy, it
/// could hand out nothing until its COPY returned, and lanes that finished meanwhile sat idle with rows
/// waiting — in the 2026-12-05 run, two streams were busy 1.46 of 2 under overload with rows waiting
/// 92 % of the time (Benchmarks/RESULTS.md, "Rows that wait"). The loader thread's own connection is
/// kept for what stays on this thread: retries of handed-back cuts, spool replay, the start-up check.
extension LoaderService {
    /// `connections` lanes (threads only: a lane connects on its first cut), none with
    /// `connections = 1` or a sink that does not load in parallel (the null sink): then the loader
    /// thread loads its cuts itself. `CopyStreams` decides how many lanes are in use.
    func startLanes() -> [CopyLane] {
        let settings = self.settings
        guard sink.loadsInParallel, settings.connections > 1 else { return [] }
        return (1...settings.connections).map { number in
            CopyLane(
                name: "eventd-copy-\(number)",
                sink: settings.sink.make(logger: logger, format: settings.copyFormat, connect: connect),
                work: { [self] batches, sink in self.loadOnLane(batches, sink: sink, lane: number) },
                onIdle: { [ring, laneFreed] in
                    laneFreed.signal()
                    ring.interruptWait()
                }
            )
        }
    }

    /// Whether a full cut may be handed out now: always with no lanes or an idle one; else it waits for
    /// the first lane to finish (`waitForIdleLane`). A due cut that is not full follows `ParallelCommitRule`.
    func mayCommitNow(lanes: [CopyLane]) -> Bool {
        lanes.isEmpty || lanes.contains { $0.isIdle }
    }

    /// How many of `lanes` are loading a cut now (`ParallelCommitRule`).
    func busyLanes(_ lanes: [CopyLane]) -> Int {
        lanes.reduce(0) { $0 + ($1.isIdle ? 0 : 1) }
    }

    /// Blocks until one of `lanes` is idle (at once with none): a lane finishing signals `laneFreed`.
    /// The semaphore may hold stale signals from lanes that finished while nobody waited; each only
    /// makes one wait return early, and the loop looks again.
    func waitForIdleLane(_ lanes: [CopyLane]) {
        while !mayCommitNow(lanes: lanes) {
            _ = laneFreed.wait(timeout: .now() + .seconds(1))
        }
    }

    /// Runs on a lane's thread (lane `lane`, 1-based as in its thread's name and log lines; its stream
    /// is `lane - 1`): one attempt to load the cut on the lane's connection. On success the
    /// senders are told and the batches recycled; on failure nothing is touched and the cut goes back
    /// to the loader thread, which retries it under its outage, spool and drain policy.
    func loadOnLane(_ batches: [IngestBatch], sink: any CutSink, lane: Int) -> Bool {
        let started = clock.now
        let report: LoadReport
        do {
            report = try sink.load(batches)
            streamLedger.record(stream: lane - 1, rows: report.rowCount, busy: clock.now - started)
        } catch {
            streamLedger.record(stream: lane - 1, rows: 0, busy: clock.now - started)
            logger.notice("COPY on lane \(lane) failed; the loader thread retries the batch", metadata: [
                LogKey.error: "\(error)",
            ])
            return false
        }
        noteServer(sink.server)
        record(report, batches: batches, took: clock.now - started)
        complete(batches, with: report)
        recycle(batches)
        return true
    }

    /// Loads, on the loop's thread and with its full retry policy, every cut a lane handed back; then
    /// closes the loop's own connection again, since the lanes carry the load.
    func retryHandedBack(_ lanes: [CopyLane]) {
        var retried = false
        for lane in lanes {
            for batches in lane.takeHandedBack() {
                flush(batches, action: startLoad(handedBack: true))
                recycle(batches)
                retried = true
            }
        }
        if retried { sink.disconnect() }
    }

    /// At shutdown, after the last cut was handed out: waits for every lane, loads what they handed
    /// back, and closes their connections.
    func stopLanes(_ lanes: [CopyLane]) {
        for lane in lanes { lane.waitUntilIdle() }
        retryHandedBack(lanes)
        for lane in lanes { lane.stop() }
    }
}
