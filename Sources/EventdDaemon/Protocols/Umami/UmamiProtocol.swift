import EventdCore
import NIOHTTP1

/// Umami's collection API, as its tracker script and `@umami/node` send it: `POST /api/send` with
/// `{"type": "event"|"identify", "payload": {"website", "hostname", "url", "title", "referrer",
/// "language", "screen", "name"?, "data"?}}`. Answered `200` with a JSON object; bots are answered
/// `{"beep":"boop"}` and not stored, as Umami does.
///
/// Umami's visitor ids are made server-side from the address, so its events are stored as eventd's
/// native `page_view` / `user_action`, which need no identity (an `identify` call's `id` is kept).
struct UmamiProtocol: IngestProtocol {
    var name: String { "umami" }

    var routes: [ProtocolRoute] { [ProtocolRoute("/api/send", tag: "send")] }

    func payload(_ request: ProtocolRequest) -> ProtocolPayload {
        let body = Array(request.body)
        guard let tree = JSONValue.parse(body, maxDepth: request.maxDepth), tree.isObject,
              let payload = tree["payload"], payload.isObject else {
            return .refused(RequestRefusal(.badRequest, .malformedRequest, "The body is not {\"type\": …, \"payload\": {…}}."))
        }
        var events = ProtocolEvents(text: EventdEvent.batchText([UmamiEventMapping.map(type: tree["type"]?.string, payload)]),
                                    writeKey: payload["website"]?.string.map { Array($0.utf8) })
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
            return HTTPReply(status: .ok, body: Array(#"{"beep":"boop"}"#.utf8), contentType: "application/json")
        case .refused:
            return refusal(RequestRefusal(.badRequest, .malformedRequest, ReceiptJSON.firstDetail(receipt)))
        case .queued, .committed, .spooled:
            var json = JSONWriter()
            json.raw(#"{"ok":true"#)
            ReceiptJSON.appendCounts(&json, receipt)
            json.raw("}")
            return HTTPReply(status: .ok, body: json.bytes, contentType: "application/json")
        }
    }

    /// Umami's error body: `{"error": "<detail>"}`.
    func refusal(_ refusal: RequestRefusal) -> HTTPReply {
        var json = JSONWriter()
        json.raw(#"{"error":"#)
        json.string(refusal.detail)
        json.raw("}")
        return refusal.withRetryAfter(HTTPReply(status: refusal.status, body: json.bytes, contentType: "application/json"))
    }

    var mapping: [ColumnMapping] { UmamiEventMapping.table }

    var guide: String {
        """
        eventd speaks Umami's collection API: point Umami's tracker at eventd (`data-host-url="https://eventd.example"`)
        or `@umami/node`'s `hostUrl`.

        **Authentication.** Umami sends no key: the `website` id is the write key when it is a configured key;
        otherwise give the key in the head (`X-Write-Key`) or `?writeKey=`, or run with `require_write_key = false`.

        **Answers.** `200 {"ok":true}`; a bot (by User-Agent) is not stored and gets `{"beep":"boop"}`, as Umami
        answers; `400 {"error": …}` for an event that cannot be stored; `503` when a resend can help.
        """
    }
}
