import BenchSupport

#if canImport(Glibc)
import Glibc
#endif

/// Datagrams of NDJSON lines, `plan.batch` events each (keep batch × ~400 B under 64 KiB).
/// Fire-and-forget: nothing is confirmed; the run script compares sent with landed and dropped.
struct UDPWorker {
    let plan: SendPlan

    func run(stamper: inout EventStamper, started: Int64) -> WorkerStats {
        var stats = WorkerStats()
        guard let socket = Socket.connect(host: plan.host, port: plan.port, kind: .datagram) else {
            stats.connectErrors += 1
            return stats
        }
        defer { socket.close() }
        socket.setOption(SOL_SOCKET, SO_SNDBUF, 4 << 20)
        var pacer = Pacer(plan: plan, started: started)
        var out: [UInt8] = []
        out.reserveCapacity(64 * 1024)
        while let size = pacer.nextUnit() {
            out.removeAll(keepingCapacity: true)
            stamper.appendUnit(.ndjson, count: size, nowNs: wallClockNs(), to: &out)
            if socket.sendDatagram(out) {
                stats.recordSent(events: size, bytes: out.count, started: started)
            } else {
                stats.sendErrors += 1
            }
        }
        return stats
    }
}
