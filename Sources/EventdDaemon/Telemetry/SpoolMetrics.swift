import Metrics

/// The spool's metrics (`eventd_spool_*`), built once; updated by the loader thread only.
final class SpoolMetrics: Sendable {
    let bytes: Gauge
    let records: Gauge
    let oldestAge: Gauge
    let diskBytes: Gauge
    let eventsSpooled: Counter
    let eventsReplayed: Counter
    let full: Counter
    let quarantined: Counter
    let quarantinedBytes: Counter

    init(factory: any MetricsFactory) {
        bytes = Gauge(label: MetricName.spoolBytes, factory: factory)
        records = Gauge(label: MetricName.spoolRecords, factory: factory)
        oldestAge = Gauge(label: MetricName.spoolOldestAge, factory: factory)
        diskBytes = Gauge(label: MetricName.spoolDiskBytes, factory: factory)
        eventsSpooled = Counter(label: MetricName.spoolEventsSpooled, factory: factory)
        eventsReplayed = Counter(label: MetricName.spoolEventsReplayed, factory: factory)
        full = Counter(label: MetricName.spoolFull, factory: factory)
        quarantined = Counter(label: MetricName.spoolQuarantined, factory: factory)
        quarantinedBytes = Counter(label: MetricName.spoolQuarantinedBytes, factory: factory)
    }
}
