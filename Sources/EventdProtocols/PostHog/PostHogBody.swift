import EventdHTTPBody

/// Unwrapping a PostHog capture body down to its JSON, the way PostHog's capture server does:
/// `data=` (form field, or the query of a GET) or the body itself; then the named `compression`
/// (`gzip-js`/`gzip`, `lz64`/`lz-string`, `base64`), else gzip by its magic bytes, else base64 when
/// it does not start like JSON. `Content-Encoding: gzip` was already undone by the HTTP layer.
public enum PostHogBody {
    /// The body's JSON as bytes (what the sender's events are kept as when refused) and as a tree.
    public static func read(_ request: ProtocolRequest) -> Result<(bytes: [UInt8], tree: JSONValue), RequestRefusal> {
        func bad(_ detail: String) -> Result<(bytes: [UInt8], tree: JSONValue), RequestRefusal> {
            .failure(RequestRefusal(.badRequest, .malformedRequest, detail))
        }
        var raw: [UInt8]
        if request.method == .GET {
            guard let data = request.queryValue("data"), !data.isEmpty else {
                return bad("A GET capture needs ?data= holding the events.")
            }
            raw = data
        } else if request.isForm, let data = request.formValue("data") {
            raw = data
        } else {
            raw = Array(request.body)
        }
        let compression = request.parameter("compression")?.lowercased() ?? ""
        let limit = request.maxBodyBytes
        let decoded: Result<[UInt8], PayloadEncoding.Failure>
        switch compression {
        case "gzip-js", "gzip":
            decoded = PayloadEncoding.isGzip(raw) ? PayloadEncoding.gunzip(raw, limit: limit) : PayloadEncoding.sniff(raw, limit: limit)
        case "lz64", "lz-string", "lzstring":
            switch LZStringBase64.decompress(raw, limit: limit) {
            case .success(let bytes): decoded = .success(bytes)
            case .failure(.tooLarge): decoded = .failure(.tooLarge)
            case .failure(.malformed): decoded = .failure(.malformed("The body is not valid lz-string (lz64) data."))
            }
        case "base64":
            decoded = Base64Decoding.decode(raw).map { .success($0) } ?? .failure(.malformed("The body is not valid base64."))
        default:
            decoded = PayloadEncoding.sniff(raw, limit: limit)
        }
        switch decoded {
        case .failure(.tooLarge):
            return .failure(RequestRefusal(.payloadTooLarge, .bodyTooLarge, "The body (decoded) passes \(limit) bytes."))
        case .failure(.malformed(let detail)):
            return bad(detail)
        case .success(let bytes):
            guard let tree = JSONValue.parse(bytes, maxDepth: request.maxDepth) else {
                return bad("The body is not valid JSON (after undoing its encoding).")
            }
            return .success((bytes, tree))
        }
    }

    /// The events of a body: a bare array, a `{"batch":[…]}` envelope, or one event.
    public static func events(_ tree: JSONValue) -> [JSONValue] {
        if let array = tree.array { return array }
        if let batch = tree["batch"]?.array { return batch }
        return [tree]
    }

    /// The project token: the envelope's `api_key` / `token`, else the first event's `api_key`,
    /// `token`, `$token` or `properties.token`.
    public static func token(_ tree: JSONValue, events: [JSONValue]) -> String? {
        func named(_ v: JSONValue) -> String? {
            v["api_key"]?.string ?? v["token"]?.string ?? v["$token"]?.string ?? v["properties"]?["token"]?.string
        }
        if tree.isObject, let t = tree["api_key"]?.string ?? tree["token"]?.string { return t }
        for event in events { if let t = named(event) { return t } }
        return nil
    }

    /// Whether a body is PostHog's rather than another vendor's on a shared path (`/track`):
    /// PostHog names the token or the distinct id at the top level of the envelope or the event.
    public static func looksLikePostHog(_ tree: JSONValue) -> Bool {
        func marked(_ v: JSONValue) -> Bool {
            v["api_key"] != nil || v["token"] != nil || v["distinct_id"] != nil || v["batch"] != nil || v["$token"] != nil
        }
        if let first = tree.array?.first { return marked(first) }
        return marked(tree)
    }
}
