import NIOHTTP1

/// Segment's HTTP tracking API (`/v1/batch`, `/v1/track` …, analytics.js's one-letter paths, the
/// beacon and pixel entry points) — and eventd's native event shape over HTTP, which the same routes
/// take (the decoder tells them apart by `type`). Bodies are already eventd's own shape, so the
/// payload is the body as sent (or the form's `data` field, or the pixel's `?data=`), with the
/// route's implied `type` spliced in for single-message routes.
struct SegmentProtocol: IngestProtocol {
    var name: String { "segment" }

    var routes: [ProtocolRoute] {
        var routes: [ProtocolRoute] = []
        for path in ["batch", "b", "import"] { routes.append(ProtocolRoute("/v1/\(path)/", tag: "batch")) }
        routes.append(ProtocolRoute("/v1/beacon/", delivery: .beacon, tag: "batch"))
        let singles = [("track", "t"), ("page", "p"), ("screen", "s"), ("identify", "i"), ("group", "g"), ("alias", "a")]
        for (type, letter) in singles {
            routes.append(ProtocolRoute("/v1/\(type)/", tag: "type:\(type)"))
            routes.append(ProtocolRoute("/v1/\(letter)/", tag: "type:\(type)"))
        }
        for type in HTTPRoute.eventTypes {
            routes.append(ProtocolRoute("/v1/pixel/\(type)/", [.GET], delivery: .pixel, tag: "pixel:\(type)"))
        }
        return routes
    }

    func payload(_ request: ProtocolRequest) -> ProtocolPayload {
        var text: [UInt8]?
        var formKey: [UInt8]?
        let tag = request.route.tag
        if tag.hasPrefix("pixel:") {
            guard let data = request.queryValue("data"), !data.isEmpty, let json = Self.jsonOrBase64(data) else {
                return .refused(RequestRefusal(.badRequest, .malformedRequest, "A pixel needs ?data= holding base64-encoded JSON."))
            }
            text = json
        } else if request.isForm, !Self.startsLikeJSON(request.body) {
            // (`curl -d` labels a JSON body form-encoded; a body that starts like JSON is taken as JSON.)
            guard let data = URLEncoding.value(named: "data", in: request.body).flatMap(Self.jsonOrBase64) else {
                return .refused(RequestRefusal(.badRequest, .malformedRequest,
                                               "A form-encoded body needs a 'data' field holding the JSON (plain or base64)."))
            }
            text = data
            formKey = URLEncoding.value(named: "writeKey", in: request.body)
        }
        let key = formKey ?? (text.map { $0.withUnsafeBytes(BodyWriteKey.find) } ?? BodyWriteKey.find(in: request.body))
        if let colon = tag.firstIndex(of: ":") {
            let type = String(tag[tag.index(after: colon)...])
            text = HTTPCollector.injectingType(type, into: text ?? Array(request.body))
        }
        return .events(ProtocolEvents(text: text, writeKey: key))
    }

    func reply(_ receipt: Receipt, context: ProtocolReplyContext) -> HTTPReply {
        switch receipt.fate {
        case .refused:
            return HTTPOutcomeReply.afterDecode(accepted: 0, rejections: receipt.refusals)
                ?? HTTPOutcomeReply.render(status: .badRequest, accepted: 0, rejections: [], refusedByDatabase: [])
        case .queued, .droppedBot:
            switch context.delivery {
            case .durable: return .success
            case .beacon: return .noContent
            case .pixel: return .pixel
            }
        case .committed, .spooled, .failed:
            return HTTPOutcomeReply.afterCommit(receipt)
        }
    }

    /// A JSON text as sent, or decoded from base64 (URL-safe or standard).
    static func jsonOrBase64(_ value: [UInt8]) -> [UInt8]? {
        guard let first = value.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return nil }
        if first == 0x7B || first == 0x5B { return value }
        return Base64Decoding.decode(value)
    }

    static func startsLikeJSON(_ body: UnsafeRawBufferPointer) -> Bool {
        guard let first = body.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return false }
        return first == 0x7B || first == 0x5B
    }
}
