import EventdCore
import Metrics

/// The events one protocol brought in over one transport (`eventd_events_by_protocol_total`):
/// handles built up front, so counting costs a source no label strings.
struct ProtocolCounters: Sendable {
    let accepted: Counter
    let refused: Counter

    func count(accepted: Int, refused: Int) {
        if accepted > 0 { self.accepted.increment(by: accepted) }
        if refused > 0 { self.refused.increment(by: refused) }
    }
}

/// A transport and a protocol spoken over it: the labels of `eventd_events_by_protocol_total`.
struct ProtocolLabel: Hashable, Sendable {
    var transport: Transport
    var name: String

    /// What TCP and UDP speak: newline-delimited JSON in eventd's own event shape.
    static let lineProtocol = "native"

    /// Every label counted: the line protocol over TCP and UDP, and each HTTP protocol eventd serves.
    static var all: [ProtocolLabel] {
        [ProtocolLabel(transport: .tcp, name: lineProtocol), ProtocolLabel(transport: .udp, name: lineProtocol)]
            + ProtocolRegistry.standard.adapters.map { ProtocolLabel(transport: .http, name: $0.name) }
    }
}

extension EventdMetrics {
    static func protocolCounters(factory: any MetricsFactory) -> [ProtocolLabel: ProtocolCounters] {
        var counters: [ProtocolLabel: ProtocolCounters] = [:]
        for label in ProtocolLabel.all {
            func counter(_ outcome: String) -> Counter {
                Counter(label: MetricName.eventsByProtocol,
                        dimensions: [("transport", label.transport.rawValue), ("protocol", label.name), ("outcome", outcome)],
                        factory: factory)
            }
            counters[label] = ProtocolCounters(accepted: counter("accepted"), refused: counter("refused"))
        }
        return counters
    }

    /// The counters of `name` over `transport`; nil for a protocol eventd does not serve (never counted).
    func counters(_ transport: Transport, _ name: String) -> ProtocolCounters? {
        byProtocol[ProtocolLabel(transport: transport, name: name)]
    }
}
