import EventdCore
import Logging

/// The loader's extra COPY connections (`CopyLane`): started with the loop, fed cuts by `deliver`,
/// drained and stopped when the ring closes.
extension LoaderService {
    /// `connections - 1` lanes (threads only: a lane connects on its first cut), none for a sink that
    /// does not load in parallel (the null sink). `CopyStreams` decides how many are in use.
    func startLanes() -> [CopyLane] {
        let settings = self.settings
        guard sink.loadsInParallel, settings.connections > 1 else { return [] }
        return (1..<settings.connections).map { number in
            CopyLane(
                name: "eventd-copy-\(number)",
                sink: settings.sink.make(logger: logger, format: settings.copyFormat, connect: connect),
                work: { [self] batches, sink in self.loadOnLane(batches, sink: sink, lane: number) },
                onIdle: { [ring] in ring.interruptWait() }
            )
        }
    }

    /// Whether a due cut may be committed now: always with no lanes or an idle one. While every lane
    /// is busy the loop keeps collecting rows rather than open a second, small COPY beside them, so
    /// at moderate rates there is one COPY at a time and batches grow with the load; a cut that fills
    /// up (`BatchCutter.isFull`) is committed on the loop's own connection at once.
    func mayCommitNow(lanes: [CopyLane]) -> Bool {
        lanes.isEmpty || lanes.contains { $0.isIdle }
    }

    /// Runs on a lane's thread: one attempt to load the cut on the lane's connection. On success the
    /// senders are told and the batches recycled; on failure nothing is touched and the cut goes back
    /// to the loader thread, which retries it under its outage, spool and drain policy.
    func loadOnLane(_ batches: [IngestBatch], sink: any CutSink, lane: Int) -> Bool {
        let started = clock.now
        let report: LoadReport
        do {
            report = try sink.load(batches)
            streamLedger.record(stream: lane, rows: report.rowCount, busy: clock.now - started)
        } catch {
            streamLedger.record(stream: lane, rows: 0, busy: clock.now - started)
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

    /// Loads, on the loop's thread and with its full retry policy, every cut a lane handed back.
    func retryHandedBack(_ lanes: [CopyLane]) {
        for lane in lanes {
            for batches in lane.takeHandedBack() {
                flush(batches, action: startLoad(handedBack: true))
                recycle(batches)
            }
        }
    }

    /// At shutdown, after the last cut was handed out: waits for every lane, loads what they handed
    /// back, and closes their connections.
    func stopLanes(_ lanes: [CopyLane]) {
        for lane in lanes { lane.waitUntilIdle() }
        retryHandedBack(lanes)
        for lane in lanes { lane.stop() }
    }
}
