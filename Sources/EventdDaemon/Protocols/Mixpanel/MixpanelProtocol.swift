import NIOHTTP1

/// Mixpanel's ingestion API, as the `mixpanel` libraries (Python, JS, …) send it: `/track` (events),
/// `/engage` (profile updates, stored as identify events), `/groups` (group profile updates, stored
/// as group events) and `/import` (historical events, each
/// with an `$insert_id`). Bodies: `data=` in a form or the query — plain JSON or base64 — or a JSON
/// array as the body; gzip by `Content-Encoding` or magic bytes.
///
/// Answers as Mixpanel does: `/track`, `/engage` and `/groups` say `1` (or `{"status":1,"error":null}` with
/// `verbose=1`); `/import` says `{"code":200,"num_records_imported":N,"status":1}`, or `400` with
/// `failed_records` (index, `$insert_id`, message) when some events were refused — the others are
/// stored. Failures that a retry can fix are `503`, which Mixpanel's clients retry.
struct MixpanelProtocol: IngestProtocol {
    var name: String { "mixpanel" }

    var routes: [ProtocolRoute] {
        [ProtocolRoute("/track/", [.POST, .GET], tag: "track"),
         ProtocolRoute("/engage/", [.POST, .GET], tag: "engage"),
         ProtocolRoute("/groups/", [.POST, .GET], tag: "groups"),
         ProtocolRoute("/import/", [.POST], tag: "import")]
    }

    func payload(_ request: ProtocolRequest) -> ProtocolPayload {
        let raw: [UInt8]
        if let data = request.formValue("data") ?? request.queryValue("data") {
            raw = data
        } else if request.method == .GET {
            return .refused(RequestRefusal(.badRequest, .malformedRequest, "A GET needs ?data= holding the events."))
        } else {
            raw = Array(request.body)
        }
        let tree: JSONValue
        let decoded: [UInt8]
        switch PayloadEncoding.sniff(raw, limit: request.maxBodyBytes) {
        case .failure(.tooLarge):
            return .refused(RequestRefusal(.payloadTooLarge, .bodyTooLarge, "The body (decoded) passes \(request.maxBodyBytes) bytes."))
        case .failure(.malformed(let detail)):
            return .refused(RequestRefusal(.badRequest, .malformedRequest, detail))
        case .success(let bytes):
            guard let parsed = JSONValue.parse(bytes, maxDepth: request.maxDepth) else {
                return .refused(RequestRefusal(.badRequest, .malformedRequest, "The data is not valid JSON."))
            }
            tree = parsed
            decoded = bytes
        }
        let records = tree.array ?? [tree]
        var mapped: [JSONValue] = []
        var ids: [String?] = []
        var token: String?
        for record in records {
            let (json, insertID) = switch request.route.tag {
            case "engage": MixpanelEventMapping.mapProfileUpdate(record)
            case "groups": MixpanelEventMapping.mapGroupUpdate(record)
            default: MixpanelEventMapping.map(record)
            }
            mapped.append(json)
            ids.append(insertID)
            if token == nil { token = record["$token"]?.string ?? record["properties"]?["token"]?.string }
        }
        let verbose = request.parameter("verbose").map { $0 == "1" || $0 == "true" } ?? false
        var events = ProtocolEvents(text: EventdEvent.batchText(mapped), writeKey: token.map { Array($0.utf8) },
                                    eventIDs: ids, verbose: verbose)
        events.sender = .batch(decoded, members: [], events: records)
        return .events(events)
    }

    func reply(_ receipt: Receipt, context: ProtocolReplyContext) -> HTTPReply {
        if case .failed(let reason) = receipt.fate {
            return refusal(.unavailable(reason))
        }
        if context.route.tag == "import" { return importReply(receipt, ids: context.events.eventIDs) }
        let ok = receipt.fate != .refused && !(receipt.accepted == 0 && receipt.refusedCount > 0)
        guard context.events.verbose else {
            return HTTPReply(status: .ok, body: Array((ok ? "1" : "0").utf8), contentType: "text/plain")
        }
        var json = JSONWriter()
        if ok {
            json.raw(#"{"status":1,"error":null"#)
        } else {
            json.raw(#"{"status":0,"error":"#)
            json.string(ReceiptJSON.firstDetail(receipt))
        }
        ReceiptJSON.appendCounts(&json, receipt)
        json.raw("}")
        return HTTPReply(status: .ok, body: json.bytes, contentType: "application/json")
    }

    /// `/import`'s answer: all stored, or `400` naming each refused record (the rest are stored).
    private func importReply(_ receipt: Receipt, ids: [String?]) -> HTTPReply {
        var json = JSONWriter()
        if receipt.refusedCount == 0 {
            json.raw(#"{"code":200,"num_records_imported":"#)
            json.number(receipt.accepted)
            json.raw(#","status":1}"#)
            return HTTPReply(status: .ok, body: json.bytes, contentType: "application/json")
        }
        let whole = ReceiptJSON.isWholeTextRefusal(receipt) && receipt.fate == .refused
        let tooLarge = whole && (receipt.refusals[0].reason == .batchTooLarge || receipt.refusals[0].reason == .eventTooLarge)
        json.raw(tooLarge ? #"{"code":413,"error":"# : #"{"code":400,"error":"#)
        json.string(whole ? receipt.refusals[0].detail : "some data points in the request failed validation")
        json.raw(#","failed_records":["#)
        var first = true
        for r in receipt.refusals where r.index != nil {
            if !first { json.raw(",") }
            first = false
            json.raw(#"{"index":"#)
            json.number(r.index!)
            if let id = r.index.flatMap({ $0 < ids.count ? ids[$0] : nil }) {
                json.raw(#","$insert_id":"#)
                json.string(id)
            }
            json.raw(#","field":"#)
            json.string(r.reason.rawValue)
            json.raw(#","message":"#)
            json.string(r.detail)
            json.raw("}")
        }
        json.raw(#"],"num_records_imported":"#)
        json.number(receipt.accepted)
        json.raw(tooLarge ? #","status":"Request Entity Too Large"}"# : #","status":"Bad Request"}"#)
        return HTTPReply(status: tooLarge ? .payloadTooLarge : .badRequest, body: json.bytes, contentType: "application/json")
    }

    func refusal(_ refusal: RequestRefusal) -> HTTPReply {
        var json = JSONWriter()
        json.raw(#"{"status":0,"error":"#)
        json.string(refusal.detail)
        json.raw(#","code":"#)
        json.number(Int(refusal.status.code))
        json.raw("}")
        return refusal.withRetryAfter(HTTPReply(status: refusal.status, body: json.bytes, contentType: "application/json"))
    }
}
