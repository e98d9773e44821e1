// libFuzzer target: the vendor body decoders of the main package's EventdProtocols — PostHog's unwrapping
// (`PostHogBody.read`: form `data=`, GET `?data=`, base64, gzip by name or magic bytes, lz-string), Mixpanel's
// (`PayloadEncoding.sniff`: base64 or JSON, gzip), Snowplow's tp2 `payload_data` and pixel query strings, then each
// vendor's event mapping (the JSON rewrite into eventd's shape), `SenderBytes` (the refused events' own bytes) and
// the decoder reading the rewrite. The adapters' `payload` glue (in EventdDaemon, with `IngestProtocol` and the
// receipt layer) is repeated here in a few lines.
//
// Input layout: byte 0 picks the vendor and shape, byte 1 the body cap and flags; the rest is the body (or query).
//   mode 0  PostHog POST body; byte 1 picks `compression=` (none, gzip-js, lz64, base64) and a form body;
//   mode 1  PostHog GET `?data=` (the payload percent-encoded as the query value);
//   mode 2  Mixpanel `data=` form body or a plain body;
//   mode 3  Snowplow tp2 POST body;
//   mode 4  Snowplow GET pixel query string.
// Bodies over the cap are skipped (the HTTP source refuses them before an adapter runs).
// Invariants: nothing crashes; decoding never passes the cap; the rewrite is valid JSON holding one event per vendor
// event; `SenderBytes` has one in-bounds span per event, and a span found in the body is that event's JSON;
// the decoder accounts for every event (accepted + refused) or refuses the whole text once.
import EventdCore
import EventdHTTPBody
import EventdProtocols
import NIOHTTP1

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "") {
    if !condition() { fatalError(message()) }
}

func percentEncoded(_ bytes: [UInt8]) -> [UInt8] {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for b in bytes {
        if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { out.append(b) } else {
            out += [0x25, hex[Int(b >> 4)], hex[Int(b & 15)]]
        }
    }
    return out
}

nonisolated(unsafe) var decoder = EventDecoder()  // libFuzzer calls the entry point from one thread
let events = RowBuffer(table: .events)
let rejected = RowBuffer(table: .rejectedEvents)

/// Decodes `mapped` as the HTTP source would, and checks the vendor bytes and the accounting.
func decodeRewrite(_ mapped: [JSONValue], sender: SenderBytes, limits: IngestLimits) {
    check(sender.ranges.count == mapped.count, "\(sender.ranges.count) spans for \(mapped.count) events")
    for r in sender.ranges { check(r.lowerBound >= 0 && r.upperBound <= sender.bytes.count, "span \(r) outside \(sender.bytes.count) bytes") }
    let text = EventdEvent.batchText(mapped)
    check(JSONValue.parse(text, maxDepth: 200) != nil, "the rewrite is not JSON: \(String(decoding: text, as: UTF8.self))")
    let context = IngestContext(receivedAt: 1_764_860_000_000_000, transport: .http, limits: limits)
    let summary = decoder.decode(text, context: context, into: events, rejected: rejected, sender: sender)
    let whole = summary.accepted == 0 && summary.rejected == 1 && decoder.rejections.first?.index == nil
    check(whole || summary.accepted + summary.rejected == mapped.count,
          "\(mapped.count) events, \(summary.accepted) accepted + \(summary.rejected) refused")
    check(rejected.rowCount == summary.rejected, "\(rejected.rowCount) refusal rows for \(summary.rejected) refusals")
    events.removeAll()
    rejected.removeAll()
}

/// `SenderBytes.batch` for vendor events parsed from `bytes`: a span it found must parse to the same event.
func checkedSender(_ bytes: [UInt8], members: [String], events vendorEvents: [JSONValue]) -> SenderBytes {
    let sender = SenderBytes.batch(bytes, members: members, events: vendorEvents)
    if sender.bytes == bytes, vendorEvents.count > 1 {
        for (i, r) in sender.ranges.enumerated() {
            check(JSONValue.parse(Array(bytes[r]), maxDepth: 200) == vendorEvents[i], "span \(i) is not event \(i)")
        }
    }
    return sender
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVendorBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let mode = data[0] % 5
    let flags = data[1]
    let cap = 64 + Int(flags >> 2) * 256  // 64…16,192: bombs and exact-cap bodies are common
    let payload = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    var limits = IngestLimits()
    limits.maxDepth = 32
    let receivedAt: Int64 = 1_764_860_000_000_000
    switch mode {
    case 0, 1:
        let compression = ["", "gzip-js", "lz64", "base64"][Int(flags & 3)]
        var query: [UInt8] = compression.isEmpty ? [] : Array("compression=\(compression)".utf8)
        let isGet = mode == 1
        if isGet { query += (query.isEmpty ? [] : [0x26]) + Array("data=".utf8) + percentEncoded(payload) }
        let isForm = !isGet && flags & 4 != 0
        let body = isForm ? Array("data=".utf8) + percentEncoded(payload) : payload
        // The HTTP source refuses a body (or head) over the cap before any adapter sees it.
        guard (isGet ? query : body).count <= cap else { return 0 }
        body.withUnsafeBytes { raw in
            let request = ProtocolRequest(
                route: ProtocolRoute("/e/", [.POST, .GET], tag: "v0"), method: isGet ? .GET : .POST, query: query,
                body: isGet ? UnsafeRawBufferPointer(start: nil, count: 0) : raw, isForm: isForm, headers: HTTPHeaders(),
                receivedAt: receivedAt, maxBodyBytes: cap, maxDepth: limits.maxDepth, othersMayClaim: false)
            guard case .success(let read) = PostHogBody.read(request) else { return }
            let (decoded, tree) = (read.bytes, read.tree)
            check(decoded.count <= cap, "PostHog decoding produced \(decoded.count) bytes under a cap of \(cap)")
            let batch = PostHogBody.events(tree)
            _ = PostHogBody.token(tree, events: batch)
            _ = PostHogBody.looksLikePostHog(tree)
            let mapped = batch.map { PostHogEventMapping.map($0, batchSentAt: tree["sent_at"]?.string, receivedAt: receivedAt).0 }
            decodeRewrite(mapped, sender: checkedSender(decoded, members: ["batch"], events: batch), limits: limits)
        }
    case 2:
        let body = flags & 4 != 0 ? Array("data=".utf8) + percentEncoded(payload) : payload
        guard body.count <= cap else { return 0 }
        let raw = flags & 4 != 0 ? (URLEncoding.value(named: "data", in: body) ?? body) : body
        guard case .success(let decoded) = PayloadEncoding.sniff(raw, limit: cap) else { return 0 }
        check(decoded.count <= cap, "Mixpanel decoding produced \(decoded.count) bytes under a cap of \(cap)")
        guard let tree = JSONValue.parse(decoded, maxDepth: limits.maxDepth) else { return 0 }
        let records = tree.array ?? [tree]
        let mapped = records.map { record -> JSONValue in
            switch flags & 3 {
            case 1: MixpanelEventMapping.mapProfileUpdate(record).0
            case 2: MixpanelEventMapping.mapGroupUpdate(record).0
            default: MixpanelEventMapping.map(record).0
            }
        }
        decodeRewrite(mapped, sender: checkedSender(decoded, members: [], events: records), limits: limits)
    case 3:
        guard let tree = JSONValue.parse(payload, maxDepth: limits.maxDepth), let maps = tree["data"]?.array ?? tree.array else { return 0 }
        let mapped = maps.map { SnowplowEventMapping.map($0).0 }
        decodeRewrite(mapped, sender: checkedSender(payload, members: ["data"], events: maps), limits: limits)
    default:
        let map = JSONValue.object(URLEncoding.pairs(in: payload).map { ($0.0, .string($0.1)) })
        decodeRewrite([SnowplowEventMapping.map(map).0], sender: SenderBytes(single: payload), limits: limits)
    }
    return 0
}
