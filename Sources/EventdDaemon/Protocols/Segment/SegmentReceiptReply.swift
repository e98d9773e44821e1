import EventdCore
import NIOHTTP1

/// Segment's rendering of a `Receipt`: what the sender is told (Segment semantics).
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
    /// Seconds a sender is asked to wait after a 503 (one value with the whole-request refusal's).
    static let retryAfterUnavailable = RequestRefusal.retryAfterUnavailable

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
        afterCommit(Receipt(outcome, received: received, refusals: rejections))
    }

    /// The reply for a receipt of a committed, spooled or failed batch.
    static func afterCommit(_ receipt: Receipt) -> HTTPReply {
        if case .failed(let reason) = receipt.fate {
            return .failure(.serviceUnavailable, .unavailable, "Nothing was stored: \(reason). Resending is safe.",
                            retryAfter: retryAfterUnavailable)
        }
        if receipt.refusedCount == 0 { return .success }
        return render(status: receipt.accepted > 0 ? .ok : .badRequest, accepted: receipt.accepted,
                      rejections: receipt.refusals, refusedByDatabase: receipt.refusedByDatabase)
    }

    static func render(status: HTTPResponseStatus, accepted: Int, rejections: [Rejection],
                       refusedByDatabase: [String]) -> HTTPReply {
        var json = JSONWriter()
        json.raw(status == .ok ? #"{"success":true,"accepted":"# : #"{"success":false,"accepted":"#)
        json.number(accepted)
        json.raw(#","rejected":"#)
        json.number(rejections.count + refusedByDatabase.count)
        json.raw(#","errors":"#)
        ReceiptJSON.appendRefusals(&json, rejections, refusedByDatabase: refusedByDatabase)
        json.raw("}")
        return HTTPReply(status: status, body: json.bytes, contentType: "application/json")
    }
}
