import BenchSupport

/// `POST`s of one client's shape (`plan.httpProtocol`: Segment's `/v1/batch` by default) over one
/// keep-alive HTTP/1.1 connection, one request in flight. Where the client authenticates in the
/// request head (Segment, `/import`'s API secret; Snowplow, whose operator gives the collector a key)
/// it is Basic with the write key as the user name and no password; PostHog's and Mixpanel's
/// `/track` clients carry it only in the body. Events of a 2xx response count as confirmed, less
/// a `rejected` count when the answer has one.
struct HTTPWorker {
    let plan: SendPlan

    func run(stamper: inout EventStamper, started: Int64) -> WorkerStats {
        var stats = WorkerStats()
        var socket: Socket?
        func connection() -> Socket? {
            if let socket { return socket }
            socket = Socket.connect(host: plan.host, port: plan.port, kind: .stream)
            socket?.setReadTimeout(ns: plan.drainTimeoutNs)
            if socket == nil { stats.connectErrors += 1 }
            return socket
        }
        defer { socket?.close() }
        let client = plan.httpProtocol
        let auth = client.sendsBasicAuth ? "Authorization: Basic " + base64(Array((plan.writeKey + ":").utf8)) + "\r\n" : ""
        let head = "POST \(plan.path) HTTP/1.1\r\nHost: \(plan.host):\(plan.port)\r\nContent-Type: \(client.contentType)\r\n"
            + auth + "User-Agent: eventd-loadgen/1.0\r\nContent-Length: "
        var pacer = Pacer(plan: plan, started: started)
        var body: [UInt8] = []
        var request: [UInt8] = []
        var response: [UInt8] = []
        while let size = pacer.nextUnit() {
            guard let conn = connection() else { break }
            body.removeAll(keepingCapacity: true)
            stamper.appendUnit(client.unit, count: size, nowNs: wallClockNs(), writeKey: plan.writeKey, to: &body)
            request.removeAll(keepingCapacity: true)
            request.append(contentsOf: head.utf8)
            request.append(contentsOf: "\(body.count)\r\n\r\n".utf8)
            request.append(contentsOf: body)
            guard conn.writeAll(request) else {
                stats.sendErrors += 1; conn.close(); socket = nil; continue
            }
            stats.recordSent(events: size, bytes: request.count, started: started)
            response.removeAll(keepingCapacity: true)
            guard let (status, close) = readResponse(conn, &response) else {
                stats.sendErrors += 1; stats.unconfirmedEvents += size; conn.close(); socket = nil; continue
            }
            stats.httpStatus[status, default: 0] += 1
            if (200..<300).contains(status) {
                let rejected = integerField("rejected", in: response[...]) ?? 0
                stats.confirmedEvents += size - rejected
                stats.rejectedEvents += rejected
            } else {
                stats.unconfirmedEvents += size
            }
            if close { conn.close(); socket = nil }
        }
        return stats
    }

    /// Reads one response (Content-Length bodies; chunked bodies are read to their last chunk).
    /// Returns the status and whether the server will close; the body is left in `buffer`.
    private func readResponse(_ conn: Socket, _ buffer: inout [UInt8]) -> (Int, Bool)? {
        var headEnd: Int?
        while headEnd == nil {
            if conn.read(into: &buffer) <= 0 { return nil }
            headEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer)
        }
        let headText = String(decoding: buffer[..<headEnd!], as: UTF8.self).lowercased()
        let lines = headText.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.count >= 12,
              let status = Int(statusLine.dropFirst(9).prefix(3)) else { return nil }
        var length = 0
        var chunked = false
        var close = false
        for line in lines.dropFirst() {
            if line.hasPrefix("content-length:") { length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0 }
            if line.hasPrefix("transfer-encoding:") && line.contains("chunked") { chunked = true }
            if line.hasPrefix("connection:") && line.contains("close") { close = true }
        }
        buffer.removeFirst(headEnd! + 4)
        if chunked {
            while find([0x30, 0x0D, 0x0A, 0x0D, 0x0A], in: buffer) == nil {
                if conn.read(into: &buffer) <= 0 { return nil }
            }
        } else {
            while buffer.count < length {
                if conn.read(into: &buffer) <= 0 { return nil }
            }
        }
        return (status, close)
    }
}

private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
    guard hay.count >= needle.count else { return nil }
    for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
        if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
    }
    return nil
}

private func base64(_ bytes: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
        out.append(table[Int(b0 >> 2)])
        out.append(table[Int((b0 & 3) << 4 | b1 >> 4)])
        out.append(i + 1 < bytes.count ? table[Int((b1 & 0xF) << 2 | b2 >> 6)] : 0x3D)
        out.append(i + 2 < bytes.count ? table[Int(b2 & 0x3F)] : 0x3D)
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}
