import Logging
import Metrics

/// The loader thread's side of adaptive COPY streams: once a window, reads what each stream did
/// (`CopyStreamLedger`), publishes each stream's busy fraction and rows/s, asks `StreamScaler` whether
/// to open or give back a stream, and keeps `lanesInUse` to match. Stream k is `lanes[k]`; with no
/// lanes (`loader.connections = 1`, the null sink) the one stream is the loader thread's own connection.
struct CopyStreams {
    private let lanes: [CopyLane]
    private let ledger: CopyStreamLedger
    private let gauges: [EventdMetrics.CopyStreamGauges]
    private let activeGauge: Gauge
    private let waitingGauge: Gauge
    private let logger: Logger
    private var scaler: StreamScaler
    private var windowStart: ContinuousClock.Instant
    /// Time rows waited for a stream in this window (`noteWaiting`).
    private var waiting = Duration.zero
    /// The lanes the loader hands cuts to now: the first `scaler.active`.
    private(set) var lanesInUse: [CopyLane] = []

    init(lanes: [CopyLane], ledger: CopyStreamLedger, metrics: EventdMetrics, logger: Logger,
         now: ContinuousClock.Instant) {
        self.lanes = lanes
        self.ledger = ledger
        self.logger = logger
        gauges = metrics.copyStreamGauges(count: max(1, lanes.count))
        activeGauge = metrics.copyStreamsActiveGauge()
        waitingGauge = metrics.copyWaitingRatioGauge()
        scaler = StreamScaler(policy: .init(maximum: max(1, lanes.count)))
        windowStart = now
        lanesInUse = Array(lanes.prefix(scaler.active))
        activeGauge.record(scaler.active)
    }

    /// Rows were ready for a COPY for `duration` and no stream could take them. Loader thread only.
    mutating func noteWaiting(_ duration: Duration) {
        waiting += duration
    }

    /// Ends the window if it is due. Called per cut and per wake-up: one clock comparison otherwise.
    mutating func endWindowIfDue(at now: ContinuousClock.Instant) {
        let length = now - windowStart
        guard length >= scaler.policy.window else { return }
        windowStart = now
        let entries = ledger.takeWindow()
        var sample = StreamScaler.Sample(rows: 0, busy: .zero, length: length, waiting: min(waiting, length))
        waiting = .zero
        waitingGauge.record(sample.waiting.seconds / length.seconds)
        for (stream, entry) in entries.enumerated() where stream < gauges.count {
            sample.rows += entry.rows
            sample.busy += entry.busy
            gauges[stream].busyRatio.record(min(1, entry.busy.seconds / length.seconds))
            gauges[stream].rowsPerSecond.record(Double(entry.rows) / length.seconds)
        }
        let before = scaler.active
        switch scaler.windowEnded(sample) {
        case .hold:
            return
        case .open:
            let waited = Int(100 * sample.waiting.seconds / length.seconds)
            logger.info("opening COPY stream \(before + 1) of at most \(scaler.policy.maximum): rows waited for a stream \(waited) % of the window, or every stream was busy", metadata: [
                LogKey.rows: "\(sample.rows)",
            ])
        case .close:
            // Its connection is closed once its current cut is done; the cut is not interrupted.
            lanes[scaler.active].release()
            logger.info("giving back COPY stream \(before): it did not raise throughput, or the load fell", metadata: [
                LogKey.rows: "\(sample.rows)",
            ])
        }
        lanesInUse = Array(lanes.prefix(scaler.active))
        activeGauge.record(scaler.active)
    }
}
