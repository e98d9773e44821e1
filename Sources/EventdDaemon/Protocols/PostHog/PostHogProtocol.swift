import NIOHTTP1

/// PostHog's capture API, as posthog-js, posthog-python and the other PostHog SDKs send it.
///
/// - v0 (`/e/`, `/i/v0/e/`, `/capture/`, `/batch/`, `/track/`; POST, or GET with `?data=`): a JSON
///   array of events, `{"api_key"|"token": T, "batch": […], "sent_at"?}`, or one event; plain,
///   base64, form `data=`, gzip (by header, `?compression=gzip-js` or magic bytes) or lz-string
///   (`compression=lz64`). Answered `{"status":1}`; `?beacon=1` → 204.
/// - v1 (`POST /i/v1/analytics/events`, `Authorization: Bearer <key>`): `{"created_at", "batch": […]}`,
///   answered with a result per event keyed by its uuid (`ok`, or `drop` with details).
///
/// Refusals use the statuses PostHog's clients act on: 400/401/413 are final, 429 and 503 are retried.
struct PostHogProtocol: IngestProtocol {
    var name: String { "posthog" }

    var routes: [ProtocolRoute] {
        ["/e/", "/i/v0/e/", "/capture/", "/batch/", "/track/"].map { ProtocolRoute($0, [.POST, .GET], tag: "v0") }
            + [ProtocolRoute("/i/v1/analytics/events/", tag: "v1")]
    }

    func payload(_ request: ProtocolRequest) -> ProtocolPayload {
        let tree: JSONValue
        let decoded: [UInt8]
        switch PostHogBody.read(request) {
        case .failure(let refusal): return request.othersMayClaim ? .notRecognised : .refused(refusal)
        case .success(let value): (decoded, tree) = value
        }
        if request.othersMayClaim, !PostHogBody.looksLikePostHog(tree) { return .notRecognised }
        let batch = PostHogBody.events(tree)
        let batchSentAt = tree["sent_at"]?.string
            ?? request.queryValue("_").flatMap { Double(String(decoding: $0, as: UTF8.self)) }.flatMap { EventdEvent.iso(epoch: $0) }
        var mapped: [JSONValue] = []
        var ids: [String?] = []
        mapped.reserveCapacity(batch.count)
        let sdkInfo = request.headers.first(name: "posthog-sdk-info")
        let requestID = PostHogRequestID.read(request.headers)
        for (index, event) in batch.enumerated() {
            var (json, uuid) = PostHogEventMapping.map(event, batchSentAt: request.route.tag == "v1" ? nil : batchSentAt,
                                                       receivedAt: request.receivedAt, sdkInfo: sdkInfo)
            if let requestID, json.isObject, event["uuid"]?.isNull ?? true {
                json = json.setting("messageId", .string(PostHogRequestID.eventID(requestID, index: index)))
            }
            mapped.append(json)
            ids.append(uuid)
        }
        var events = ProtocolEvents(
            text: EventdEvent.batchText(mapped), writeKey: PostHogBody.token(tree, events: batch).map { Array($0.utf8) },
            eventIDs: ids)
        events.requestID = requestID
        events.sender = .batch(decoded, members: ["batch"], events: batch)
        return .events(events)
    }

    func reply(_ receipt: Receipt, context: ProtocolReplyContext) -> HTTPReply {
        var reply = receiptReply(receipt, context: context)
        if let requestID = context.events.requestID { reply.headers.replaceOrAdd(name: PostHogRequestID.header, value: requestID) }
        return reply
    }

    private func receiptReply(_ receipt: Receipt, context: ProtocolReplyContext) -> HTTPReply {
        if case .failed(let reason) = receipt.fate {
            return refusal(.unavailable(reason))
        }
        if ReceiptJSON.isWholeTextRefusal(receipt), receipt.fate == .refused {
            let r = receipt.refusals[0]
            let tooLarge = r.reason == .batchTooLarge || r.reason == .eventTooLarge
            return error(tooLarge ? .payloadTooLarge : .badRequest, type: "validation_error", code: r.reason.rawValue,
                         detail: r.detail, receipt: receipt)
        }
        if context.route.tag == "v1" { return Self.perEventResults(receipt, ids: context.events.eventIDs) }
        if receipt.fate == .refused || (receipt.accepted == 0 && receipt.refusedCount > 0) {
            return error(.badRequest, type: "validation_error", code: "invalid_payload",
                         detail: ReceiptJSON.firstDetail(receipt), receipt: receipt)
        }
        if context.delivery == .beacon { return HTTPReply(status: .noContent) }
        // PostHog answers `{"status":1}`; eventd adds what it refused (clients ignore unknown members).
        var json = JSONWriter()
        json.raw(#"{"status":1"#)
        ReceiptJSON.appendCounts(&json, receipt)
        json.raw("}")
        return HTTPReply(status: .ok, body: json.bytes, contentType: "application/json")
    }

    func refusal(_ refusal: RequestRefusal) -> HTTPReply {
        let type = switch refusal.code {
        case .missingWriteKey, .invalidWriteKey, .originNotAllowed: "authentication_error"
        case .rateLimited: "rate_limited"
        case .unavailable, .requestTimeout: "server_error"
        default: "validation_error"
        }
        return refusal.withRetryAfter(error(refusal.status, type: type, code: refusal.code.rawValue, detail: refusal.detail, receipt: nil))
    }

    /// PostHog's error body, `{"type":…,"code":…,"detail":…,"attr":null}`, with eventd's per-event refusals.
    private func error(_ status: HTTPResponseStatus, type: String, code: String, detail: String, receipt: Receipt?) -> HTTPReply {
        var json = JSONWriter()
        json.raw(#"{"type":"#)
        json.string(type)
        json.raw(#","code":"#)
        json.string(code)
        json.raw(#","detail":"#)
        json.string(detail)
        json.raw(#","attr":null"#)
        if let receipt, receipt.refusedCount > 0 {
            json.raw(#","errors":"#)
            ReceiptJSON.appendRefusals(&json, receipt)
        }
        json.raw("}")
        return HTTPReply(status: status, body: json.bytes, contentType: "application/json")
    }

    /// Capture v1's answer: `{"results":{"<uuid>":{"result":"ok"},"<uuid>":{"result":"drop","details":"…"}}}`.
    /// A refused event is dropped for good (resending it cannot help); a failed batch was a 503 above,
    /// which the client retries whole with the same `PostHog-Request-Id` (events dedup by uuid).
    static func perEventResults(_ receipt: Receipt, ids: [String?]) -> HTTPReply {
        var refused: [Int: String] = [:]
        for r in receipt.refusals { if let i = r.index ?? (ids.count == 1 ? 0 : nil) { refused[i] = "\(r.reason.rawValue): \(r.detail)" } }
        var json = JSONWriter()
        json.raw(#"{"results":{"#)
        var first = true
        for (index, id) in ids.enumerated() {
            guard let id else { continue }
            if !first { json.raw(",") }
            first = false
            json.string(id)
            if let detail = refused[index] {
                json.raw(#":{"result":"drop","details":"#)
                json.string(detail)
                json.raw("}")
            } else {
                json.raw(#":{"result":"ok"}"#)
            }
        }
        json.raw("}}")
        return HTTPReply(status: .ok, body: json.bytes, contentType: "application/json")
    }
}
