/// What `eventd status` says: the latest reading, rates since the one before, and a verdict with the
/// exit code a health check wants.
public struct StatusReport: Sendable, Codable {
    public enum Verdict: String, Sendable, Codable {
        /// Ready, PostgreSQL connected, nothing waiting in the spool.
        case healthy
        /// Running, but not ready, not connected, or holding events in the spool.
        case degraded
        /// No admin endpoint answered.
        case down

        /// 0 healthy, 1 degraded, 2 down.
        public var exitCode: Int32 {
            switch self {
            case .healthy: 0
            case .degraded: 1
            case .down: 2
            }
        }
    }

    public let verdict: Verdict
    /// Why it is not healthy, one reason per line.
    public let reasons: [String]
    public let snapshot: StatusSnapshot
    /// Seconds between the two readings the rates are over (nil with one reading).
    public let rateWindowSeconds: Double?
    public let receivedPerSecond: Double?
    public let committedPerSecond: Double?
    public let rejectedPerSecond: [String: Double]
    /// Events decoded per second by `transport/protocol` (accepted and refused).
    public let receivedPerSecondByProtocol: [String: Double]

    public init(_ snapshot: StatusSnapshot, previous: StatusSnapshot?) {
        self.snapshot = snapshot
        var reasons: [String] = []
        if !snapshot.ready { reasons.append("not ready: \(snapshot.readiness)") }
        if !snapshot.postgresConnected { reasons.append("PostgreSQL is not connected") }
        if snapshot.spoolRecords > 0 {
            reasons.append("\(Int(snapshot.spoolRecords)) record(s) wait in the spool (oldest \(Int(snapshot.spoolOldestAgeSeconds)) s)")
        }
        self.reasons = reasons
        verdict = reasons.isEmpty ? .healthy : .degraded
        if let previous, snapshot.takenAt > previous.takenAt, snapshot.startedAt == previous.startedAt {
            let window = snapshot.takenAt - previous.takenAt
            rateWindowSeconds = window
            receivedPerSecond = max(0, snapshot.received - previous.received) / window
            committedPerSecond = max(0, snapshot.committed - previous.committed) / window
            rejectedPerSecond = snapshot.rejected.reduce(into: [:]) { out, entry in
                let rate = max(0, entry.value - (previous.rejected[entry.key] ?? 0)) / window
                if rate > 0 { out[entry.key] = rate }
            }
            let before = previous.receivedByProtocol
            receivedPerSecondByProtocol = snapshot.receivedByProtocol.reduce(into: [:]) { out, entry in
                out[entry.key] = max(0, entry.value - (before[entry.key] ?? 0)) / window
            }
        } else {
            rateWindowSeconds = nil
            receivedPerSecond = nil
            committedPerSecond = nil
            rejectedPerSecond = [:]
            receivedPerSecondByProtocol = [:]
        }
    }

    /// The one screen for a terminal.
    public func render() -> String {
        let s = snapshot
        var lines: [String] = []
        let uptime = s.startedAt.map { " · up " + Self.duration(s.takenAt - $0) } ?? ""
        lines.append("eventd \(s.version ?? "?")\(uptime) · \(verdict.rawValue)")
        lines.append("  \(s.readiness)")
        for reason in reasons { lines.append("  ! \(reason)") }
        lines.append("")
        let per = rateWindowSeconds.map { "per s (last \(Self.number($0)) s)" } ?? ""
        lines.append(Self.row("", "since start", per))
        lines.append(Self.row("received", Self.count(s.received), receivedPerSecond.map(Self.number) ?? ""))
        lines.append(Self.row("accepted", Self.count(s.accepted), ""))
        lines.append(Self.row("committed", Self.count(s.committed), committedPerSecond.map(Self.number) ?? ""))
        lines.append(Self.row("duplicates", Self.count(s.duplicates), ""))
        lines.append(Self.row("refused by PostgreSQL", Self.count(s.refusedByDatabase), ""))
        for (cause, value) in s.dropped.sorted(by: { $0.key < $1.key }) where value > 0 {
            lines.append(Self.row("dropped: \(cause)", Self.count(value), ""))
        }
        if s.udpKernelDrops > 0 { lines.append(Self.row("UDP kernel drops", Self.count(s.udpKernelDrops), "")) }
        lines.append("")
        lines.append("PostgreSQL  \(s.postgresConnected ? "connected" : "NOT connected")\(s.postgresServer.map { " to \($0)" } ?? "")")
        lines.append("ring        \(Int(s.ringBatches)) batch(es), \(Self.bytes(s.ringBytes))")
        lines.append("copy        \(Self.copyStreams(s))")
        lines.append("spool       \(Int(s.spoolRecords)) record(s), \(Self.bytes(s.spoolBytes)) waiting"
                     + (s.spoolRecords > 0 ? ", oldest \(Self.duration(s.spoolOldestAgeSeconds))" : "")
                     + ", \(Self.bytes(s.spoolDiskBytes)) on disk")
        let open = s.connections.sorted(by: { $0.key < $1.key }).map { "\($0.key) \(Int($0.value))" }
        lines.append("connections \(open.isEmpty ? "none" : open.joined(separator: ", "))")
        let failures = s.jobFailures.filter { $0.value > 0 }.sorted(by: { $0.key < $1.key }).map { "\($0.key) \(Int($0.value))" }
        lines.append("rollup      \(Int(s.rollupRuns)) run(s)\(failures.isEmpty ? "" : "; failed jobs: " + failures.joined(separator: ", "))")
        let protocols = s.receivedByProtocol.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        if !protocols.isEmpty {
            lines.append("")
            lines.append(Self.row("received, by protocol", "since start", per))
            for (label, value) in protocols {
                lines.append(Self.row("  " + label, Self.count(value), receivedPerSecondByProtocol[label].map(Self.number) ?? ""))
            }
        }
        let refused = s.rejected.filter { $0.value > 0 }.sorted { $0.value > $1.value }
        if !refused.isEmpty {
            lines.append("")
            lines.append(Self.row("refused, by reason", "since start", per))
            for (reason, value) in refused {
                lines.append(Self.row("  " + reason, Self.count(value), rejectedPerSecond[reason].map(Self.number) ?? ""))
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ label: String, _ total: String, _ rate: String) -> String {
        label.padding(24) + total.leftPadding(14) + "  " + rate.leftPadding(12)
    }

    /// "2 stream(s): 84 % and 61 % busy", streams in number order.
    static func copyStreams(_ snapshot: StatusSnapshot) -> String {
        let busy = snapshot.copyStreamBusy.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
            .map { "\(Int(($0.value * 100).rounded())) %" }
        return "\(Int(snapshot.copyStreams)) stream(s)" + (busy.isEmpty ? "" : ": " + busy.joined(separator: ", ") + " busy")
    }

    static func count(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0, offset % 3 == 0, character != "-" { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    static func number(_ value: Double) -> String {
        value >= 100 ? count(value) : String(Double(Int(value * 10)) / 10)
    }

    static func bytes(_ value: Double) -> String {
        if value < 1_024 { return "\(Int(value)) B" }
        if value < 1_048_576 { return number(value / 1_024) + " KiB" }
        return number(value / 1_048_576) + " MiB"
    }

    static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds))
        if total < 60 { return "\(total) s" }
        if total < 3_600 { return "\(total / 60) min \(total % 60) s" }
        if total < 86_400 { return "\(total / 3_600) h \(total % 3_600 / 60) min" }
        return "\(total / 86_400) d \(total % 86_400 / 3_600) h"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    fileprivate func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
