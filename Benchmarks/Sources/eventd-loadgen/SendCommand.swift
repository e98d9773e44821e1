import ArgumentParser
import BenchSupport
import Foundation

/// `eventd-loadgen send`: sends for a duration or a count, at a fixed rate or flat out, and prints
/// one JSON summary (sent, confirmed, per-second send counts).
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "send", abstract: "Send events to eventd.")

    enum TransportChoice: String, ExpressibleByArgument, CaseIterable {
        case tcp, tcpAck = "tcp-ack", udp, http
    }

    @Option(help: "tcp | tcp-ack | udp | http") var transport: TransportChoice = .tcp
    @Option(help: "Target HOST:PORT.") var target: String = "127.0.0.1:5170"
    @Option(help: "Events per second over all connections; 0 = flat out.") var rate: Double = 0
    @Option(help: "Seconds to send (ignored when --count is given).") var duration: Double = 10
    @Option(help: "Total events to send (overrides --duration).") var count: Int?
    @Option(help: "Events per line / datagram / request.") var batch: Int = 100
    @Option(help: "Parallel connections (one thread each).") var connections: Int = 1
    @Option(help: "tcp-ack: lines in flight per connection before waiting for acks.") var window: Int = 8
    @Option(help: "Seed of the event mix.") var seed: UInt64 = 42
    @Option(help: "tcp/udp: native | segment (default native).") var shape: String?
    @Option(help: ArgumentHelp("http: the client to imitate (route, body, event shape).",
                               valueName: HTTPProtocol.allCases.map(\.rawValue).joined(separator: " | ")))
    var `protocol`: HTTPProtocol = .segment
    @Option(help: "HTTP path (default: the protocol's route).") var path: String?
    @Option(help: "HTTP write key (sent as Basic auth and in the body).") var writeKey: String = "sk_bench_0123456789abcdef"
    @Option(help: "Write the JSON summary here as well as to standard output.") var json: String?
    @Option(help: "Seconds to wait for outstanding acks/responses at the end.") var drainTimeout: Double = 30

    func validate() throws {
        guard batch >= 1, connections >= 1, window >= 1 else { throw ValidationError("--batch, --connections, --window must be >= 1") }
        guard rate >= 0 else { throw ValidationError("--rate must be >= 0") }
    }

    func run() throws {
        guard let (host, port) = parseTarget(target) else { throw ValidationError("--target must be HOST:PORT") }
        let shapeValue = transport == .http ? `protocol`.shape : EventMix.Shape(rawValue: shape ?? "native") ?? .native
        let mix = EventMix(shape: shapeValue, seed: seed, writeKey: writeKey)
        let runID = UInt32(truncatingIfNeeded: wallClockNs() / 1_000_000) // distinct per run (ms clock)
        let perConnectionRate = rate / Double(connections)
        let perConnectionCount = count.map { ($0 + connections - 1) / connections }
        let plan = SendPlan(
            host: host, port: port, batch: batch, window: window, ratePerConnection: perConnectionRate,
            eventsPerConnection: perConnectionCount, durationNs: Int64(duration * 1e9),
            drainTimeoutNs: Int64(drainTimeout * 1e9), path: path ?? `protocol`.path, writeKey: writeKey,
            httpProtocol: `protocol`)

        let started = monotonicNs()
        let startedWall = wallClockNs()
        let results = ResultsBox(count: connections)
        let group = DispatchGroup()
        for index in 0..<connections {
            group.enter()
            let stream = runID &+ UInt32(index) &* 0x0100_0000
            var connectionPlan = plan
            if perConnectionRate > 0 {
                let interval = Double(batch) / perConnectionRate
                connectionPlan.phaseOffsetNs = Int64(Double(index) / Double(connections) * interval * 1e9)
            }
            let thread = Thread { [connectionPlan] in
                let plan = connectionPlan
                var stamper = EventStamper(mix: mix, stream: stream, startIndex: index * 997)
                let stats: WorkerStats
                switch transport {
                case .tcp: stats = TCPWorker(plan: plan, ack: false).run(stamper: &stamper, started: started)
                case .tcpAck: stats = TCPWorker(plan: plan, ack: true).run(stamper: &stamper, started: started)
                case .udp: stats = UDPWorker(plan: plan).run(stamper: &stamper, started: started)
                case .http: stats = HTTPWorker(plan: plan).run(stamper: &stamper, started: started)
                }
                results.set(index, stats)
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let elapsed = Double(monotonicNs() - started) / 1e9
        let total = results.all.reduce(WorkerStats()) { $0.merged($1) }
        let summary = Summary(
            transport: transport.rawValue, shape: shapeValue.rawValue,
            httpProtocol: transport == .http ? `protocol`.rawValue : nil, target: target, batch: batch,
            connections: connections, requestedRate: rate, startedAtNs: startedWall, elapsedSeconds: elapsed,
            meanEventBytes: mix.meanBytes, stats: total)
        let data = try summary.jsonData()
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
        if let json { try data.write(to: URL(fileURLWithPath: json)) }
        if total.connectErrors > 0 && total.sentEvents == 0 { throw ExitCode(2) }
    }
}

func parseTarget(_ text: String) -> (String, UInt16)? {
    guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
    var host = String(text[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return (host, port)
}

/// The workers' results, filled in by their threads.
final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [WorkerStats]
    init(count: Int) { results = Array(repeating: WorkerStats(), count: count) }
    func set(_ index: Int, _ stats: WorkerStats) { lock.lock(); results[index] = stats; lock.unlock() }
    var all: [WorkerStats] { lock.lock(); defer { lock.unlock() }; return results }
}
