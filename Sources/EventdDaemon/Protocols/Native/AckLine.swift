import EventdCore

/// The native line protocol's receipt (TCP, ack mode): renders a `Receipt` as the one-line JSON
/// acknowledgement a sender gets for each line:
/// `{"ack":N,"accepted":A,"rejected":R,"errors":[{"index":i,"messageId":"…","reason":"…"}]}`
/// — or, when nothing could be committed, `{"ack":N,"accepted":0,"rejected":0,"failed":"…"}` so the
/// sender knows to resend (resends are deduplicated by event id). Events held in the disk spool while
/// PostgreSQL is away are acknowledged like committed ones, with `"spooled":true` added: they are
/// durable and will be loaded when PostgreSQL is back.
enum AckLine {
    static func render(sequence: Int, outcome: BatchOutcome, batch: IngestBatch) -> [UInt8] {
        render(sequence: sequence, receipt: Receipt(outcome, received: batch.received, refusals: batch.decodeRejections))
    }

    /// The ack line of `receipt` (a committed, spooled or failed batch).
    static func render(sequence: Int, receipt: Receipt) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"ack\":")
        json.number(sequence)
        switch receipt.fate {
        case .failed(let reason):
            json.raw(",\"accepted\":0,\"rejected\":0,\"failed\":")
            json.string(reason)
        case .refused, .queued, .droppedBot, .committed, .spooled:
            json.raw(",\"accepted\":")
            json.number(receipt.accepted)
            json.raw(",\"rejected\":")
            json.number(receipt.refusedCount)
            if receipt.fate == .spooled { json.raw(",\"spooled\":true") }
            json.raw(",\"errors\":")
            ReceiptJSON.appendRefusals(&json, receipt.refusals, refusedByDatabase: receipt.refusedByDatabase, details: false)
        }
        json.raw("}\n")
        return json.bytes
    }
}
