/// Renders one unit of sending — a TCP line, a UDP datagram, an HTTP body — holding `batch` events.
public enum UnitFormat: String, Sendable, CaseIterable {
    /// One text per line: a single event, or `{"batch":[…]}` for more than one (TCP).
    case line
    /// Several NDJSON lines in one datagram (UDP).
    case ndjson
    /// A Segment `/v1/batch` body: `{"batch":[…],"writeKey":"…"}` (HTTP).
    case segmentBody
}

extension EventStamper {
    /// Appends one unit of `count` events to `out`, all stamped with `nowNs`.
    public mutating func appendUnit(_ format: UnitFormat, count: Int, nowNs: Int64, writeKey: String? = nil, to out: inout [UInt8]) {
        switch format {
        case .line:
            if count == 1 {
                append(to: &out, nowNs: nowNs)
            } else {
                out.append(contentsOf: #"{"batch":["#.utf8)
                for i in 0..<count {
                    if i > 0 { out.append(0x2C) }
                    append(to: &out, nowNs: nowNs)
                }
                out.append(contentsOf: "]}".utf8)
            }
            out.append(0x0A)
        case .ndjson:
            for _ in 0..<count {
                append(to: &out, nowNs: nowNs)
                out.append(0x0A)
            }
        case .segmentBody:
            out.append(contentsOf: #"{"batch":["#.utf8)
            for i in 0..<count {
                if i > 0 { out.append(0x2C) }
                append(to: &out, nowNs: nowNs)
            }
            out.append(0x5D)
            if let writeKey { out.append(contentsOf: #","writeKey":"\#(writeKey)""#.utf8) }
            out.append(0x7D)
        }
    }
}
