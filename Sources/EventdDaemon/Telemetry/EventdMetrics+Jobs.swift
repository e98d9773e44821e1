import Metrics

extension EventdMetrics {
    /// Counts a rollup run: done or skipped (lock held elsewhere), and how many rollup rows it changed.
    func recordRollup(_ report: RollupReport) {
        if report.skipped {
            Counter(label: MetricName.rollupSkipped, factory: factory).increment()
            return
        }
        rollupRuns.increment()
        Counter(label: MetricName.rollupRowsChanged, factory: factory)
            .increment(by: report.upserted + report.deleted + report.eventCounts + report.kpis)
    }

    /// Counts a periodic job run and its duration, or its failure. Once a minute at most: building the
    /// handles here is cheaper to read than caching them, and nowhere near a hot path.
    func recordJob(_ job: String, _ outcome: Result<Duration, any Error>) {
        let dimensions = [("job", job)]
        switch outcome {
        case .success(let took):
            Counter(label: MetricName.jobRuns, dimensions: dimensions, factory: factory).increment()
            Metrics.Timer(label: MetricName.jobSeconds, dimensions: dimensions, factory: factory)
                .recordNanoseconds(took.nanoseconds)
        case .failure:
            Counter(label: MetricName.jobFailures, dimensions: dimensions, factory: factory).increment()
        }
    }

    /// Marks `server` (`host:port`) as the PostgreSQL in use, and `previous` as no longer. Only on a
    /// change (start, failover): building the handles here is fine.
    func recordPostgresServer(_ server: String, previous: String?) {
        func gauge(_ hostPort: String) -> Gauge {
            let (host, port) = hostPort.lastIndex(of: ":").map {
                (String(hostPort[..<$0]), String(hostPort[hostPort.index(after: $0)...]))
            } ?? (hostPort, "")
            return Gauge(label: MetricName.postgresServer, dimensions: [("host", host), ("port", port)], factory: factory)
        }
        if let previous { gauge(previous).record(0) }
        gauge(server).record(1)
    }
}
