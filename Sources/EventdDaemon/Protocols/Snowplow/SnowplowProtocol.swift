import EventdCore
import NIOHTTP1

/// Snowplow's tracker protocol, as its trackers (JavaScript, Python, mobile …) send it:
/// `POST /com.snowplowanalytics.snowplow/tp2` with a `payload_data` envelope (`{"schema": …,
/// "data": [ {string map}, … ]}`), and `GET /i` / `GET /ice.png` with the same keys as query
/// parameters, answered with the 43-byte transparent GIF and no-cache headers. POST answers `ok`.
///
/// Snowplow has no project token: the write key comes from the request head (`X-Write-Key`,
/// `Authorization`, `?writeKey=`), or is the app id (`aid`) when that is a configured key.
struct SnowplowProtocol: IngestProtocol {
    var name: String { "snowplow" }

    var routes: [ProtocolRoute] {
        [ProtocolRoute("/com.snowplowanalytics.snowplow/tp2", tag: "tp2"),
         ProtocolRoute("/i", [.GET], delivery: .pixel, tag: "pixel"),
         ProtocolRoute("/ice.png", [.GET], delivery: .pixel, tag: "pixel")]
    }

    func payload(_ request: ProtocolRequest) -> ProtocolPayload {
        var maps: [JSONValue] = []
        let sender: SenderBytes
        if request.method == .GET {
            maps = [.object(URLEncoding.pairs(in: request.query).map { ($0.0, .string($0.1)) })]
            sender = SenderBytes(single: request.query)
        } else {
            let body = Array(request.body)
            guard let tree = JSONValue.parse(body, maxDepth: request.maxDepth) else {
                return .refused(RequestRefusal(.badRequest, .malformedRequest, "The body is not valid JSON."))
            }
            guard let data = tree["data"]?.array ?? tree.array else {
                return .refused(RequestRefusal(.badRequest, .malformedRequest,
                                               "The body is not a payload_data envelope ({\"schema\": …, \"data\": [ … ]})."))
            }
            maps = data
            sender = .batch(body, members: ["data"], events: data)
        }
        var mapped: [JSONValue] = []
        var ids: [String?] = []
        for map in maps {
            let (json, eid) = SnowplowEventMapping.map(map)
            mapped.append(json)
            ids.append(eid)
        }
        let appID = maps.first?["aid"]?.string
        var events = ProtocolEvents(text: EventdEvent.batchText(mapped), writeKey: appID.map { Array($0.utf8) }, eventIDs: ids)
        events.writeKeyIsCandidate = true
        events.sender = sender
        return .events(events)
    }

    func reply(_ receipt: Receipt, context: ProtocolReplyContext) -> HTTPReply {
        if case .failed(let reason) = receipt.fate { return refusal(.unavailable(reason)) }
        if context.delivery == .pixel {
            // The pixel is the answer whatever became of the event: a browser image cannot act on an error.
            var reply = HTTPReply.pixel
            reply.headers.replaceOrAdd(name: "Cache-Control", value: "no-cache, no-store, must-revalidate")
            reply.headers.add(name: "Pragma", value: "no-cache")
            reply.headers.add(name: "Expires", value: "0")
            return reply
        }
        if receipt.fate == .refused || (receipt.accepted == 0 && receipt.refusedCount > 0) {
            // Snowplow's trackers resend anything but 2xx (and a few 4xx they are told are final): a
            // refused payload is final, so 400 — trackers drop events on 400 by default.
            var json = JSONWriter()
            json.raw(#"{"status":"refused","errors":"#)
            ReceiptJSON.appendRefusals(&json, receipt)
            json.raw("}")
            return HTTPReply(status: .badRequest, body: json.bytes, contentType: "application/json")
        }
        return HTTPReply(status: .ok, body: Array("ok".utf8), contentType: "text/plain")
    }

    /// A whole request refused, in the shape of the refused-payload answer above. The status is what
    /// matters to the trackers: the JavaScript tracker drops on 400, 401, 403, 410 and 422 and
    /// retries anything else, so a bad key is final and 429/503 are retried.
    func refusal(_ refusal: RequestRefusal) -> HTTPReply {
        var json = JSONWriter()
        json.raw(#"{"status":"refused","errors":[{"reason":"#)
        json.string(refusal.code.rawValue)
        json.raw(#","detail":"#)
        json.string(refusal.detail)
        json.raw("}]}")
        return refusal.withRetryAfter(HTTPReply(status: refusal.status, body: json.bytes, contentType: "application/json"))
    }
}
