/// Renders one unit of sending — a TCP line, a UDP datagram, an HTTP body — holding `batch` events.
public enum UnitFormat: String, Sendable, CaseIterable {
    /// One text per line: a single event, or `{"batch":[…]}` for more than one (TCP).
    case line
    /// Several NDJSON lines in one datagram (UDP).
    case ndjson
    /// A Segment `/v1/batch` body: `{"batch":[…],"writeKey":"…"}` (HTTP).
    case segmentBody
    /// A bare JSON array `[…]` (native events on `/v1/batch`, PostHog's `/i/v0/e`, Mixpanel's `/import`).
    case jsonArray
    /// PostHog's `/batch/` body as posthog-python sends it: `{"api_key":"…","batch":[…],"sent_at":"…"}`.
    case posthogBatch
    /// Mixpanel's `/track` form body as mixpanel-python's Consumer sends it: `data=<JSON array,
    /// percent-encoded>&verbose=1`.
    case mixpanelForm
    /// A Snowplow tp2 POST body: `{"schema":"iglu:…/payload_data/jsonschema/1-0-4","data":[…]}`.
    case snowplowPayload
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
        case .jsonArray:
            appendArray(count: count, nowNs: nowNs, to: &out)
        case .posthogBatch:
            out.append(contentsOf: #"{"api_key":"\#(writeKey ?? "")","batch":"#.utf8)
            appendArray(count: count, nowNs: nowNs, to: &out)
            out.append(contentsOf: #","sent_at":""#.utf8)
            appendISO8601(nowNs, to: &out)
            out.append(contentsOf: #""}"#.utf8)
        case .mixpanelForm:
            var json: [UInt8] = []
            appendArray(count: count, nowNs: nowNs, to: &json)
            out.append(contentsOf: "data=".utf8)
            Self.appendFormEncoded(json, to: &out)
            out.append(contentsOf: "&verbose=1".utf8)
        case .snowplowPayload:
            out.append(contentsOf: #"{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":"#.utf8)
            appendArray(count: count, nowNs: nowNs, to: &out)
            out.append(0x7D)
        }
    }

    private mutating func appendArray(count: Int, nowNs: Int64, to out: inout [UInt8]) {
        out.append(0x5B)
        for i in 0..<count {
            if i > 0 { out.append(0x2C) }
            append(to: &out, nowNs: nowNs)
        }
        out.append(0x5D)
    }

    /// application/x-www-form-urlencoded: unreserved bytes as they are, space as `+`, the rest `%XX`.
    static func appendFormEncoded(_ bytes: [UInt8], to out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in bytes {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x2A: out.append(byte)
            case 0x20: out.append(0x2B)
            default: out.append(contentsOf: [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
    }
}
