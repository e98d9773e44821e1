import EventdCore

/// The parts of a receipt's JSON that several protocols' bodies (and the TCP ack line) share.
enum ReceiptJSON {
    /// `[{"index":i,"messageId":"…","reason":"…","detail":"…"},…]` — eventd's per-event refusals,
    /// then the rows PostgreSQL refused (`rejected_by_database`).
    static func appendRefusals(_ json: inout JSONWriter, _ receipt: Receipt) {
        appendRefusals(&json, receipt.refusals, refusedByDatabase: receipt.refusedByDatabase)
    }

    /// The same list; `details: false` leaves out the decoder's sentences (the TCP ack line's compact form).
    static func appendRefusals(_ json: inout JSONWriter, _ refusals: [Rejection], refusedByDatabase: [String],
                               details: Bool = true) {
        json.raw("[")
        var first = true
        for rejection in refusals {
            if !first { json.raw(",") }
            first = false
            json.raw("{")
            if let index = rejection.index {
                json.raw(#""index":"#)
                json.number(index)
                json.raw(",")
            }
            if let id = rejection.messageId {
                json.raw(#""messageId":"#)
                json.string(id)
                json.raw(",")
            }
            json.raw(#""reason":"#)
            json.string(rejection.reason.rawValue)
            if details {
                json.raw(#","detail":"#)
                json.string(rejection.detail)
            }
            json.raw("}")
        }
        for message in refusedByDatabase {
            if !first { json.raw(",") }
            first = false
            json.raw(#"{"reason":"rejected_by_database","detail":"#)
            json.string(message)
            json.raw("}")
        }
        json.raw("]")
    }

    /// `,"accepted":A,"rejected":R,"errors":[…]` when something was refused (nothing otherwise): the
    /// members eventd adds to a vendor's success body (clients ignore members they do not know).
    static func appendCounts(_ json: inout JSONWriter, _ receipt: Receipt) {
        guard receipt.refusedCount > 0 else { return }
        json.raw(#","accepted":"#)
        json.number(receipt.accepted)
        json.raw(#","rejected":"#)
        json.number(receipt.refusedCount)
        json.raw(#","errors":"#)
        appendRefusals(&json, receipt)
    }

    /// Whether the receipt refuses the whole text (unparseable, too large), not single events.
    static func isWholeTextRefusal(_ receipt: Receipt) -> Bool {
        receipt.refusals.count == 1 && receipt.refusals[0].index == nil
    }

    /// The first refusal's sentence, for protocols whose error body has room for one.
    static func firstDetail(_ receipt: Receipt) -> String {
        receipt.refusals.first?.detail ?? receipt.refusedByDatabase.first ?? "The events were refused."
    }
}
