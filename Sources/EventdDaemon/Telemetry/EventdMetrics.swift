import EventdCore
import Metrics

/// The daemon's metrics, created once from a `MetricsFactory` so hot paths only increment
/// pre-built handles: no label strings, dictionary look-ups or allocation per event.
///
/// The executable passes the Prometheus factory; tests pass `TestMetrics`.
public final class EventdMetrics: Sendable {
    let received: Counter
    /// TCP's and UDP's share of `received`, counted where their batches are built (`BatchBuilder`).
    let receivedTCP: Counter
    let receivedUDP: Counter
    let accepted: Counter
    /// Accepted and refused events by transport and protocol (`EventdMetrics+Protocols.swift`).
    let byProtocol: [ProtocolLabel: ProtocolCounters]
    let sanitized: Counter
    let rejected: [RejectReason: Counter]
    let droppedRingFull: Counter
    let droppedShutdown: Counter
    /// Datagrams the kernel dropped on the UDP socket (`UDPKernelDropCounter`).
    let udpKernelDroppedDatagrams: Counter
    let rowsCommitted: Counter
    let rowsDuplicate: Counter
    let rowsRefused: Counter
    let ringDepth: Gauge
    let ringBytes: Gauge
    let batchPoolBytes: Gauge
    let batchPoolAllocations: Counter
    let batchRows: Recorder
    let copyDuration: Metrics.Timer
    let postgresConnected: Gauge
    let postgresReconnects: Counter
    let tcpConnections: Meter
    let rollupRuns: Counter
    let droppedBot: Counter
    let httpConnections: Meter
    let httpConnectionsRefused: Counter
    /// One counter per status the HTTP source can answer, built up front (no label strings per request).
    let httpResponses: [Int: Counter]
    /// Kept for the periodic jobs' labelled metrics (`EventdMetrics+Jobs.swift`).
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
        received = Counter(label: MetricName.eventsReceived, factory: factory)
        receivedTCP = Counter(label: MetricName.eventsReceivedByTransport, dimensions: [("transport", "tcp")], factory: factory)
        receivedUDP = Counter(label: MetricName.eventsReceivedByTransport, dimensions: [("transport", "udp")], factory: factory)
        accepted = Counter(label: MetricName.eventsAccepted, factory: factory)
        byProtocol = Self.protocolCounters(factory: factory)
        sanitized = Counter(label: MetricName.eventsSanitized, factory: factory)
        var rejected: [RejectReason: Counter] = [:]
        for reason in RejectReason.allCases {
            rejected[reason] = Counter(label: MetricName.eventsRejected, dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.rejected = rejected
        droppedRingFull = Counter(label: MetricName.eventsDropped, dimensions: [("cause", "ring_full")], factory: factory)
        droppedShutdown = Counter(label: MetricName.eventsDropped, dimensions: [("cause", "shutdown_deadline")], factory: factory)
        udpKernelDroppedDatagrams = Counter(label: MetricName.udpKernelDroppedDatagrams, factory: factory)
        rowsCommitted = Counter(label: MetricName.rowsCommitted, factory: factory)
        rowsDuplicate = Counter(label: MetricName.rowsDuplicate, factory: factory)
        rowsRefused = Counter(label: MetricName.rowsRefusedByDatabase, factory: factory)
        ringDepth = Gauge(label: MetricName.ringDepth, factory: factory)
        ringBytes = Gauge(label: MetricName.ringBytes, factory: factory)
        batchPoolBytes = Gauge(label: MetricName.batchPoolBytes, factory: factory)
        batchPoolAllocations = Counter(label: MetricName.batchPoolAllocations, factory: factory)
        batchRows = Recorder(label: MetricName.batchRows, factory: factory)
        copyDuration = Metrics.Timer(label: MetricName.copySeconds, factory: factory)
        postgresConnected = Gauge(label: MetricName.postgresConnected, factory: factory)
        postgresReconnects = Counter(label: MetricName.postgresReconnects, factory: factory)
        tcpConnections = Meter(label: MetricName.connectionsOpen, dimensions: [("transport", "tcp")], factory: factory)
        rollupRuns = Counter(label: MetricName.rollupRuns, factory: factory)
        droppedBot = Counter(label: MetricName.eventsDropped, dimensions: [("cause", "bot")], factory: factory)
        httpConnections = Meter(label: MetricName.connectionsOpen, dimensions: [("transport", "http")], factory: factory)
        httpConnectionsRefused = Counter(label: MetricName.httpConnectionsRefused, factory: factory)
        var responses: [Int: Counter] = [:]
        for status in Self.httpStatuses {
            responses[status] = Counter(label: MetricName.httpResponses, dimensions: [("status", String(status))], factory: factory)
        }
        httpResponses = responses
        Gauge(label: MetricName.buildInfo, dimensions: [("version", EventdVersion.current)], factory: factory).record(1)
        Gauge(label: MetricName.startTime, factory: factory).record(Double(Timestamp.now()) / 1e6)
    }

    /// Every status the HTTP source answers with (0 counts anything else).
    static let httpStatuses = [0, 200, 204, 400, 401, 403, 404, 405, 408, 413, 415, 429, 431, 503]

    /// Counts `count` events received over `transport` (TCP and UDP; HTTP counts into `received` only).
    func countReceived(_ count: Int, over transport: Transport) {
        received.increment(by: count)
        switch transport {
        case .tcp: receivedTCP.increment(by: count)
        case .udp: receivedUDP.increment(by: count)
        default: break
        }
    }

    func countHTTPStatus(_ status: Int) {
        (httpResponses[status] ?? httpResponses[0])?.increment()
    }

    func countRejected(_ reason: RejectReason, by amount: Int = 1) {
        rejected[reason]?.increment(by: amount)
    }
}
