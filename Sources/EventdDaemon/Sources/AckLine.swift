import EventdCore

/// Renders the one-line JSON acknowledgement a TCP sender in ack mode gets for each line:
/// `{"ack":N,"accepted":A,"rejected":R,"errors":[{"index":i,"messageId":"…","reason":"…"}]}`
/// — or, when nothing could be committed, `{"ack":N,"accepted":0,"rejected":0,"failed":"…"}` so the
/// sender knows to resend (resends are deduplicated by event id). Events held in the disk spool while
/// PostgreSQL is away are acknowledged like committed ones, with `"spooled":true` added: they are
/// durable and will be loaded when PostgreSQL is back.
enum AckLine {
    static func render(sequence: Int, outcome: BatchOutcome, batch: IngestBatch) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"ack\":")
        json.number(sequence)
        switch outcome {
        case .failed(let reason):
            json.raw(",\"accepted\":0,\"rejected\":0,\"failed\":")
            json.string(reason)
        case .spooled:
            let rejected = batch.decodeRejections.count
            json.raw(",\"accepted\":")
            json.number(max(0, batch.received - rejected))
            json.raw(",\"rejected\":")
            json.number(rejected)
            json.raw(",\"spooled\":true,\"errors\":[")
            appendErrors(&json, batch.decodeRejections, refusedByDatabase: [])
            json.raw("]")
        case .committed(let refusedByDatabase):
            let rejected = batch.decodeRejections.count + refusedByDatabase.count
            json.raw(",\"accepted\":")
            json.number(max(0, batch.received - rejected))
            json.raw(",\"rejected\":")
            json.number(rejected)
            json.raw(",\"errors\":[")
            appendErrors(&json, batch.decodeRejections, refusedByDatabase: refusedByDatabase)
            json.raw("]")
        }
        json.raw("}\n")
        return json.bytes
    }

    private static func appendErrors(_ json: inout JSONWriter, _ rejections: [Rejection], refusedByDatabase: [String]) {
        var first = true
        for rejection in rejections {
            if !first { json.raw(",") }
            first = false
            json.raw("{")
            if let index = rejection.index {
                json.raw("\"index\":")
                json.number(index)
                json.raw(",")
            }
            if let id = rejection.messageId {
                json.raw("\"messageId\":")
                json.string(id)
                json.raw(",")
            }
            json.raw("\"reason\":")
            json.string(rejection.reason.rawValue)
            json.raw("}")
        }
        for message in refusedByDatabase {
            if !first { json.raw(",") }
            first = false
            json.raw("{\"reason\":\"rejected_by_database\",\"detail\":")
            json.string(message)
            json.raw("}")
        }
    }
}

/// A minimal JSON writer for the few replies eventd renders (acks, HTTP responses): strings are
/// escaped per RFC 8259, everything else is written as given.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func number(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    mutating func string(_ value: String) {
        bytes.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}
