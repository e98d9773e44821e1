import BenchSupport
import Foundation

/// What one worker did.
struct WorkerStats: Sendable {
    var sentEvents = 0
    var sentUnits = 0
    var sentBytes = 0
    /// Events the daemon confirmed: acked as accepted (tcp-ack), or in a 2xx response (http).
    var confirmedEvents = 0
    /// Events the daemon refused in an ack or response.
    var rejectedEvents = 0
    var unconfirmedEvents = 0
    var sendErrors = 0
    var connectErrors = 0
    var httpStatus: [Int: Int] = [:]
    /// Events sent in each second since the start.
    var perSecond: [Int] = []

    mutating func recordSent(events: Int, bytes: Int, started: Int64) {
        sentEvents += events
        sentUnits += 1
        sentBytes += bytes
        let second = Int((monotonicNs() - started) / 1_000_000_000)
        if second >= perSecond.count { perSecond.append(contentsOf: repeatElement(0, count: second - perSecond.count + 1)) }
        perSecond[second] += events
    }

    func merged(_ other: WorkerStats) -> WorkerStats {
        var out = self
        out.sentEvents += other.sentEvents
        out.sentUnits += other.sentUnits
        out.sentBytes += other.sentBytes
        out.confirmedEvents += other.confirmedEvents
        out.rejectedEvents += other.rejectedEvents
        out.unconfirmedEvents += other.unconfirmedEvents
        out.sendErrors += other.sendErrors
        out.connectErrors += other.connectErrors
        for (k, v) in other.httpStatus { out.httpStatus[k, default: 0] += v }
        if other.perSecond.count > out.perSecond.count {
            out.perSecond.append(contentsOf: repeatElement(0, count: other.perSecond.count - out.perSecond.count))
        }
        for (i, v) in other.perSecond.enumerated() { out.perSecond[i] += v }
        return out
    }
}

/// The JSON the load generator prints.
struct Summary: Encodable {
    var transport: String
    var shape: String
    /// HTTP only: `--protocol` (nil for tcp/udp).
    var httpProtocol: String?
    var target: String
    var batch: Int
    var connections: Int
    var requestedRate: Double
    var startedAtNs: Int64
    var elapsedSeconds: Double
    var meanEventBytes: Int
    var stats: WorkerStats

    enum CodingKeys: String, CodingKey {
        case transport, shape, httpProtocol = "protocol", target, batch, connections, requestedRate = "requested_rate", startedAtNs = "started_at_ns"
        case elapsedSeconds = "elapsed_s", meanEventBytes = "mean_event_bytes", sentEvents = "sent_events"
        case sentUnits = "sent_units", sentBytes = "sent_bytes", confirmedEvents = "confirmed_events"
        case rejectedEvents = "rejected_events", unconfirmedEvents = "unconfirmed_events", sendErrors = "send_errors"
        case connectErrors = "connect_errors", httpStatus = "http_status", perSecond = "sent_per_second"
        case sendRate = "send_rate"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(transport, forKey: .transport)
        try c.encode(shape, forKey: .shape)
        try c.encodeIfPresent(httpProtocol, forKey: .httpProtocol)
        try c.encode(target, forKey: .target)
        try c.encode(batch, forKey: .batch)
        try c.encode(connections, forKey: .connections)
        try c.encode(requestedRate, forKey: .requestedRate)
        try c.encode(startedAtNs, forKey: .startedAtNs)
        try c.encode(elapsedSeconds, forKey: .elapsedSeconds)
        try c.encode(meanEventBytes, forKey: .meanEventBytes)
        try c.encode(stats.sentEvents, forKey: .sentEvents)
        try c.encode(stats.sentUnits, forKey: .sentUnits)
        try c.encode(stats.sentBytes, forKey: .sentBytes)
        try c.encode(stats.confirmedEvents, forKey: .confirmedEvents)
        try c.encode(stats.rejectedEvents, forKey: .rejectedEvents)
        try c.encode(stats.unconfirmedEvents, forKey: .unconfirmedEvents)
        try c.encode(stats.sendErrors, forKey: .sendErrors)
        try c.encode(stats.connectErrors, forKey: .connectErrors)
        try c.encode(Dictionary(uniqueKeysWithValues: stats.httpStatus.map { ("\($0.key)", $0.value) }), forKey: .httpStatus)
        try c.encode(stats.perSecond, forKey: .perSecond)
        try c.encode(elapsedSeconds > 0 ? Double(stats.sentEvents) / elapsedSeconds : 0, forKey: .sendRate)
    }

    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
