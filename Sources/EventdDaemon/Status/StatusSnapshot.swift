/// One reading of a running eventd's admin endpoint (`/metrics` and `/readyz`), as `eventd status`
/// shows it. Counters are totals since the daemon started; `StatusReport` turns two readings into rates.
public struct StatusSnapshot: Sendable, Codable, Equatable {
    public var version: String?
    /// Unix seconds.
    public var startedAt: Double?
    /// When this reading was taken, Unix seconds.
    public var takenAt: Double
    public var ready: Bool
    public var readiness: String
    public var postgresConnected: Bool
    /// `host:port` the loader commits to.
    public var postgresServer: String?
    public var received: Double
    /// `received` by transport: `tcp` and `udp` as counted, `http` the rest.
    public var receivedByTransport: [String: Double]
    /// Events by `transport/protocol` (`http/segment`, `tcp/native` …), accepted and refused by eventd.
    public var acceptedByProtocol: [String: Double]
    public var refusedByProtocol: [String: Double]
    public var accepted: Double
    public var committed: Double
    public var duplicates: Double
    public var refusedByDatabase: Double
    /// Refused by eventd itself, by reason (`analytics.rejected_events.reason`).
    public var rejected: [String: Double]
    /// Dropped, by cause (ring full, shutdown deadline, bot).
    public var dropped: [String: Double]
    public var udpKernelDrops: Double
    public var ringBatches: Double
    public var ringBytes: Double
    public var spoolRecords: Double
    public var spoolBytes: Double
    public var spoolDiskBytes: Double
    public var spoolOldestAgeSeconds: Double
    public var connections: [String: Double]
    /// COPY streams the loader keeps open now (`loader.connections` is their maximum).
    public var copyStreams: Double
    /// Each stream's busy fraction over the loader's last window, by stream number.
    public var copyStreamBusy: [String: Double]
    public var rollupRuns: Double
    /// Periodic jobs that failed, by job.
    public var jobFailures: [String: Double]

    public init(metrics: PrometheusText, readyStatus: Int, readiness: String, takenAt: Double) {
        version = metrics.labels(MetricName.buildInfo, whereValue: 1).first?["version"]
        let start = metrics.value(MetricName.startTime)
        startedAt = start > 0 ? start : nil
        self.takenAt = takenAt
        ready = readyStatus == 200
        self.readiness = readiness.trimmingSuffixNewlines()
        postgresConnected = metrics.value(MetricName.postgresConnected) > 0
        postgresServer = metrics.labels(MetricName.postgresServer, whereValue: 1).first
            .map { "\($0["host"] ?? "?"):\($0["port"] ?? "?")" }
        received = metrics.value(MetricName.eventsReceived)
        var byTransport = metrics.values(MetricName.eventsReceivedByTransport, by: "transport")
        byTransport["http"] = max(0, received - byTransport.values.reduce(0, +))
        receivedByTransport = byTransport
        accepted = metrics.value(MetricName.eventsAccepted)
        acceptedByProtocol = Self.byProtocol(metrics, outcome: "accepted")
        refusedByProtocol = Self.byProtocol(metrics, outcome: "refused")
        committed = metrics.value(MetricName.rowsCommitted)
        duplicates = metrics.value(MetricName.rowsDuplicate)
        refusedByDatabase = metrics.value(MetricName.rowsRefusedByDatabase)
        rejected = metrics.values(MetricName.eventsRejected, by: "reason")
        dropped = metrics.values(MetricName.eventsDropped, by: "cause")
        udpKernelDrops = metrics.value(MetricName.udpKernelDroppedDatagrams)
        ringBatches = metrics.value(MetricName.ringDepth)
        ringBytes = metrics.value(MetricName.ringBytes)
        spoolRecords = metrics.value(MetricName.spoolRecords)
        spoolBytes = metrics.value(MetricName.spoolBytes)
        spoolDiskBytes = metrics.value(MetricName.spoolDiskBytes)
        spoolOldestAgeSeconds = metrics.value(MetricName.spoolOldestAge)
        connections = metrics.values(MetricName.connectionsOpen, by: "transport")
        copyStreams = metrics.value(MetricName.copyStreamsActive)
        copyStreamBusy = metrics.values(MetricName.copyStreamBusyRatio, by: "stream")
        rollupRuns = metrics.value(MetricName.rollupRuns)
        jobFailures = metrics.values(MetricName.jobFailures, by: "job")
    }

    /// `eventd_events_by_protocol_total` of one outcome, by `transport/protocol`; labels never counted are left out.
    static func byProtocol(_ metrics: PrometheusText, outcome: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for sample in metrics.samples where sample.name == MetricName.eventsByProtocol && sample.labels["outcome"] == outcome {
            guard let transport = sample.labels["transport"], let name = sample.labels["protocol"] else { continue }
            out[transport + "/" + name, default: 0] += sample.value
        }
        return out
    }

    /// Events eventd decoded by `transport/protocol`, accepted or refused.
    public var receivedByProtocol: [String: Double] {
        acceptedByProtocol.merging(refusedByProtocol, uniquingKeysWith: +)
    }

    /// Reads the admin endpoint now.
    public static func read(from client: AdminClient, now: Double) throws(AdminClient.Failure) -> StatusSnapshot {
        let metrics = try client.get("/metrics")
        guard metrics.status == 200 else {
            throw AdminClient.Failure(description: "\(client.host):\(client.port)/metrics answered \(metrics.status)")
        }
        let ready = try client.get("/readyz")
        return StatusSnapshot(metrics: PrometheusText(metrics.body), readyStatus: ready.status,
                              readiness: ready.body, takenAt: now)
    }
}

extension String {
    func trimmingSuffixNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
