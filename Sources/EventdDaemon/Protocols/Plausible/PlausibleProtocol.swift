import EventdCore
import NIOHTTP1

/// Plausible's events API, as its script (`script.js`) and server-side callers send it:
/// `POST /api/event` with `{"name": "pageview"|<goal>, "url", "domain", "referrer"?, "props"?,
/// "revenue"?, "interactive"?}` as `text/plain` or JSON. Answered `202 ok`; a bot's request is
/// dropped (not stored) and answered `202` with `x-plausible-dropped: 1`, as Plausible does.
///
/// Plausible identifies no one (no user or device id), so its events are stored as eventd's native
/// `page_view` / `user_action`, which need no identity.
struct PlausibleProtocol: IngestProtocol {
    var name: String { "plausible" }

    var routes: [ProtocolRoute] { [ProtocolRoute("/api/event", tag: "event")] }

    func payload(_ request: ProtocolRequest) -> ProtocolPayload {
        let body = Array(request.body)
        guard let tree = JSONValue.parse(body, maxDepth: request.maxDepth), tree.isObject else {
            return .refused(RequestRefusal(.badRequest, .malformedRequest, "The body is not a JSON object."))
        }
        var events = ProtocolEvents(text: EventdEvent.batchText([PlausibleEventMapping.map(tree)]),
                                    writeKey: tree["domain"]?.string.map { Array($0.utf8) })
        events.writeKeyIsCandidate = true
        events.dropsBots = true
        events.sender = SenderBytes(single: body)
        return .events(events)
    }

    func reply(_ receipt: Receipt, context: ProtocolReplyContext) -> HTTPReply {
        switch receipt.fate {
        case .failed(let reason):
            return refusal(.unavailable(reason))
        case .droppedBot:
            var reply = HTTPReply(status: .accepted, body: Array("ok".utf8), contentType: "text/plain")
            reply.headers.add(name: "x-plausible-dropped", value: "1")
            return reply
        case .refused:
            return refusal(RequestRefusal(.badRequest, .malformedRequest, ReceiptJSON.firstDetail(receipt)))
        case .queued, .committed, .spooled:
            return HTTPReply(status: .accepted, body: Array("ok".utf8), contentType: "text/plain")
        }
    }

    /// Plausible's error body: `{"errors": {"request": "<detail>"}}`.
    func refusal(_ refusal: RequestRefusal) -> HTTPReply {
        var json = JSONWriter()
        json.raw(#"{"errors":{"request":"#)
        json.string(refusal.detail)
        json.raw("}}")
        return refusal.withRetryAfter(HTTPReply(status: refusal.status, body: json.bytes, contentType: "application/json"))
    }

    var mapping: [ColumnMapping] { PlausibleEventMapping.table }

    var guide: String {
        """
        eventd speaks Plausible's events API: point Plausible's script at eventd (`data-api="https://eventd.example/api/event"`)
        or post server-side events to `/api/event`.

        **Authentication.** Plausible sends no key: the site's `domain` is the write key when it is a configured
        key; otherwise give the key in the head (`X-Write-Key`) or `?writeKey=`, or run with `require_write_key = false`.

        **Answers.** `202 ok`; a bot (by User-Agent, eventd's classifier) is not stored and gets `202` with
        `x-plausible-dropped: 1`; `400 {"errors": {"request": …}}` for an event that cannot be stored; `503` when
        a resend can help.
        """
    }
}
