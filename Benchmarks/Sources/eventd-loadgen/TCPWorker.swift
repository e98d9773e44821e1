import BenchSupport

/// One TCP connection of NDJSON lines, each a batch of `plan.batch` events.
///
/// Without acks, flat out, lines are coalesced into writes of ~128 KiB (as a log shipper would);
/// at a fixed rate each line is written when due. With acks (`{"ack":true}` first), at most
/// `plan.window` lines are in flight; every ack line confirms exactly one line's events.
struct TCPWorker {
    let plan: SendPlan
    let ack: Bool

    func run(stamper: inout EventStamper, started: Int64) -> WorkerStats {
        var stats = WorkerStats()
        guard let socket = Socket.connect(host: plan.host, port: plan.port, kind: .stream) else {
            stats.connectErrors += 1
            return stats
        }
        defer { socket.close() }
        var pacer = Pacer(plan: plan, started: started)
        var out: [UInt8] = []
        out.reserveCapacity(256 * 1024)
        let coalesce = !ack && plan.ratePerConnection == 0
        // Events per line in flight, oldest first (ack mode).
        var inFlight: [Int] = []
        var inFlightHead = 0
        var readBuffer: [UInt8] = []
        if ack {
            guard socket.writeAll(Array("{\"ack\":true}\n".utf8)) else { stats.sendErrors += 1; return stats }
            socket.setReadTimeout(ns: plan.drainTimeoutNs)
        }

        /// Reads ack lines until at least one arrives; false when the connection failed.
        func readAcks() -> Bool {
            let n = socket.read(into: &readBuffer)
            if n <= 0 { return false }
            var lineStart = 0
            for i in 0..<readBuffer.count where readBuffer[i] == 0x0A {
                let line = readBuffer[lineStart..<i]
                lineStart = i + 1
                guard inFlightHead < inFlight.count else { continue }
                let events = inFlight[inFlightHead]
                inFlightHead += 1
                let accepted = integerField("accepted", in: line) ?? 0
                let rejected = integerField("rejected", in: line) ?? max(0, events - accepted)
                stats.confirmedEvents += accepted
                stats.rejectedEvents += rejected
            }
            readBuffer.removeFirst(lineStart)
            if inFlightHead > 4096 { inFlight.removeFirst(inFlightHead); inFlightHead = 0 }
            return true
        }

        while let size = pacer.nextUnit() {
            let before = out.count
            stamper.appendUnit(.line, count: size, nowNs: wallClockNs(), to: &out)
            stats.recordSent(events: size, bytes: out.count - before, started: started)
            if coalesce && out.count < 128 * 1024 { continue }
            if !socket.writeAll(out) { stats.sendErrors += 1; out.removeAll(keepingCapacity: true); break }
            out.removeAll(keepingCapacity: true)
            if ack {
                inFlight.append(size)
                while inFlight.count - inFlightHead >= plan.window {
                    if !readAcks() { stats.sendErrors += 1; break }
                }
            }
        }
        if !out.isEmpty, !socket.writeAll(out) { stats.sendErrors += 1 }
        if ack {
            while inFlight.count - inFlightHead > 0 {
                if !readAcks() { break }
            }
            stats.unconfirmedEvents = inFlight[inFlightHead...].reduce(0, +)
        }
        socket.shutdownWrite()
        // Wait for the daemon to close its side (it has then read everything we sent).
        socket.setReadTimeout(ns: plan.drainTimeoutNs)
        var sink: [UInt8] = []
        while socket.read(into: &sink) > 0 { sink.removeAll(keepingCapacity: true) }
        return stats
    }
}
