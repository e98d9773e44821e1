import Metrics

extension EventdMetrics {
    /// The gauges of one COPY stream, built once when the loader starts (not per window).
    struct CopyStreamGauges: Sendable {
        let busyRatio: Gauge
        let rowsPerSecond: Gauge
    }

    /// Gauges for streams `0..<count` (0 is the loader thread's own connection).
    func copyStreamGauges(count: Int) -> [CopyStreamGauges] {
        (0..<count).map { stream in
            let dimensions = [("stream", String(stream))]
            return CopyStreamGauges(
                busyRatio: Gauge(label: MetricName.copyStreamBusyRatio, dimensions: dimensions, factory: factory),
                rowsPerSecond: Gauge(label: MetricName.copyStreamRowsPerSecond, dimensions: dimensions, factory: factory))
        }
    }

    func copyStreamsActiveGauge() -> Gauge {
        Gauge(label: MetricName.copyStreamsActive, factory: factory)
    }

    /// The share of the last window a ready cut waited for a stream (`StreamScaler.Sample.waiting`).
    func copyWaitingRatioGauge() -> Gauge {
        Gauge(label: MetricName.copyWaitingRatio, factory: factory)
    }
}
