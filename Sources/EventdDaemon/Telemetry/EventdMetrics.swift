import EventdCore
import Metrics

/// The daemon's metrics, created once from a `MetricsFactory` so hot paths only increment
/// pre-built handles: no label strings, dictionary look-ups or allocation per event.
///
/// The executable passes the Prometheus factory; tests pass `TestMetrics`.
public final class EventdMetrics: Sendable {
    let received: Counter
    let accepted: Counter
    let sanitized: Counter
    let rejected: [RejectReason: Counter]
    let droppedRingFull: Counter
    let droppedShutdown: Counter
    let rowsCommitted: Counter
    let rowsDuplicate: Counter
    let rowsRefused: Counter
    let ringDepth: Gauge
    let ringBytes: Gauge
    let batchRows: Recorder
    let copyDuration: Metrics.Timer
    let postgresConnected: Gauge
    let postgresReconnects: Counter
    let tcpConnections: Meter
    let rollupRuns: Counter
    /// Kept for the periodic jobs' labelled metrics (`EventdMetrics+Jobs.swift`).
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
        received = Counter(label: MetricName.eventsReceived, factory: factory)
        accepted = Counter(label: MetricName.eventsAccepted, factory: factory)
        sanitized = Counter(label: MetricName.eventsSanitized, factory: factory)
        var rejected: [RejectReason: Counter] = [:]
        for reason in RejectReason.allCases {
            rejected[reason] = Counter(label: MetricName.eventsRejected, dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.rejected = rejected
        droppedRingFull = Counter(label: MetricName.eventsDropped, dimensions: [("cause", "ring_full")], factory: factory)
        droppedShutdown = Counter(label: MetricName.eventsDropped, dimensions: [("cause", "shutdown_deadline")], factory: factory)
        rowsCommitted = Counter(label: MetricName.rowsCommitted, factory: factory)
        rowsDuplicate = Counter(label: MetricName.rowsDuplicate, factory: factory)
        rowsRefused = Counter(label: MetricName.rowsRefusedByDatabase, factory: factory)
        ringDepth = Gauge(label: MetricName.ringDepth, factory: factory)
        ringBytes = Gauge(label: MetricName.ringBytes, factory: factory)
        batchRows = Recorder(label: MetricName.batchRows, factory: factory)
        copyDuration = Metrics.Timer(label: MetricName.copySeconds, factory: factory)
        postgresConnected = Gauge(label: MetricName.postgresConnected, factory: factory)
        postgresReconnects = Counter(label: MetricName.postgresReconnects, factory: factory)
        tcpConnections = Meter(label: MetricName.connectionsOpen, dimensions: [("transport", "tcp")], factory: factory)
        rollupRuns = Counter(label: MetricName.rollupRuns, factory: factory)
    }

    func countRejected(_ reason: RejectReason, by amount: Int = 1) {
        rejected[reason]?.increment(by: amount)
    }
}
