import EventdCore
import NIOHTTP1

/// Turns what became of a request's events into what the sender is told (Segment semantics).
///
/// - Everything landed: `200 {"success":true}`.
/// - Some events were refused: still `200`, as Segment does (its SDKs retry non-2xx answers, and a
///   retry cannot fix a bad event), with `{"success":true,"accepted":A,"rejected":R,"errors":[…]}`
///   naming each refused event by `index` (in the batch), `messageId` and `reason`.
/// - None landed and some were refused: `400` with `{"success":false,…}` and the same errors; the
///   refusals are in analytics.rejected_events. When the whole body was refused for its size: `413`.
/// - The events are durable in eventd's disk spool (PostgreSQL is away): answered as if committed —
///   they will be loaded when PostgreSQL is back.
/// - Nothing could be committed (PostgreSQL unreachable at shutdown): `503` with `Retry-After`;
///   resending is safe, events with the same id are stored once.
enum HTTPOutcomeReply {
    /// Seconds a sender is asked to wait after a 503.
    static let retryAfterUnavailable = 1

    /// The reply for a decoded request before anything is committed: non-nil only when nothing
    /// of it can land (so the sender need not wait for the database).
    static func afterDecode(accepted: Int, rejections: [Rejection]) -> HTTPReply? {
        guard accepted == 0, !rejections.isEmpty else { return nil }
        if rejections.count == 1, rejections[0].index == nil,
           rejections[0].reason == .batchTooLarge || rejections[0].reason == .eventTooLarge {
            return render(status: .payloadTooLarge, accepted: 0, rejections: rejections, refusedByDatabase: [])
        }
        return render(status: .badRequest, accepted: 0, rejections: rejections, refusedByDatabase: [])
    }

    /// The reply once the loader has committed (or given up on) the request's batch.
    static func afterCommit(_ outcome: BatchOutcome, received: Int, rejections: [Rejection]) -> HTTPReply {
        switch outcome {
        case .failed(let reason):
            return .failure(.serviceUnavailable, .unavailable, "Nothing was stored: \(reason). Resending is safe.",
                            retryAfter: retryAfterUnavailable)
        case .spooled:
            return afterCommit(.committed(refusedByDatabase: []), received: received, rejections: rejections)
        case .committed(let refusedByDatabase):
            let accepted = max(0, received - rejections.count - refusedByDatabase.count)
            if rejections.isEmpty, refusedByDatabase.isEmpty { return .success }
            return render(status: accepted > 0 ? .ok : .badRequest, accepted: accepted,
                          rejections: rejections, refusedByDatabase: refusedByDatabase)
        }
    }

    static func render(status: HTTPResponseStatus, accepted: Int, rejections: [Rejection],
                       refusedByDatabase: [String]) -> HTTPReply {
        var json = JSONWriter()
        json.raw(status == .ok ? #"{"success":true,"accepted":"# : #"{"success":false,"accepted":"#)
        json.number(accepted)
        json.raw(#","rejected":"#)
        json.number(rejections.count + refusedByDatabase.count)
        json.raw(#","errors":["#)
        var first = true
        for rejection in rejections {
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
            json.raw(#","detail":"#)
            json.string(rejection.detail)
            json.raw("}")
        }
        for message in refusedByDatabase {
            if !first { json.raw(",") }
            first = false
            json.raw(#"{"reason":"rejected_by_database","detail":"#)
            json.string(message)
            json.raw("}")
        }
        json.raw("]}")
        return HTTPReply(status: status, body: json.bytes, contentType: "application/json")
    }
}
