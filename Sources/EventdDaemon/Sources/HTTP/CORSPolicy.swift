import NIOHTTP1

/// Cross-origin rules for browsers, per public write key.
///
/// `navigator.sendBeacon` sends with credentials, so `Access-Control-Allow-Origin: *` would not do:
/// an allowed origin is echoed back with `Access-Control-Allow-Credentials: true` and
/// `Vary: Origin` (caches must not hand one origin's answer to another). A string or a
/// `text/plain` Blob goes without a preflight; an `application/json` Blob is preflighted with
/// `OPTIONS`, which carries no credentials and no body, so the preflight is answered for an origin
/// that any public key allows (or that the key in `?writeKey=` allows), and the real request is
/// then checked against its own key's list.
///
/// Secret keys get no CORS headers at all: a browser never gets to read their responses.
struct CORSPolicy: Sendable {
    let keys: WriteKeyStore

    /// Methods and request headers a preflight may ask for.
    static let allowedMethods = "POST, GET, OPTIONS"
    static let allowedHeaders = "Content-Type, Content-Encoding, Authorization, X-Write-Key"
    /// Browsers cache a preflight at most this long (Chromium caps it at 2 hours).
    static let maxAgeSeconds = "7200"

    /// Whether `origin` may use `key` from a browser.
    func allows(origin: String, key: WriteKeyStore.Match) -> Bool {
        guard key.kind == .public else { return false }
        return key.allowedOrigins.isEmpty || key.allowedOrigins.contains(Self.normalizedOrigin(origin))
    }

    /// Whether a preflight from `origin` is answered positively: by the key named in the URL, or
    /// else by any public key.
    func allowsPreflight(origin: String, key: WriteKeyStore.Match?) -> Bool {
        if let key { return allows(origin: origin, key: key) }
        return keys.all.contains { allows(origin: origin, key: $0) }
    }

    /// The headers that let a browser hand the response (and, for a preflight, the request) to `origin`.
    static func allowHeaders(origin: String, into headers: inout HTTPHeaders) {
        headers.add(name: "Access-Control-Allow-Origin", value: origin)
        headers.add(name: "Access-Control-Allow-Credentials", value: "true")
    }

    /// The full preflight answer for an allowed origin.
    static func preflightHeaders(origin: String, request: HTTPHeaders, into headers: inout HTTPHeaders) {
        allowHeaders(origin: origin, into: &headers)
        headers.add(name: "Access-Control-Allow-Methods", value: allowedMethods)
        // Echoing the asked-for headers (when they are all ones we read) keeps odd capitalisation working.
        headers.add(name: "Access-Control-Allow-Headers", value: allowedHeaders)
        headers.add(name: "Access-Control-Max-Age", value: maxAgeSeconds)
        // Private Network Access: a public page beaconing to a collector on a private address.
        if request.first(name: "access-control-request-private-network") == "true" {
            headers.add(name: "Access-Control-Allow-Private-Network", value: "true")
        }
    }

    /// `scheme://host[:port]` in lower case without a trailing slash, as browsers serialise origins.
    static func normalizedOrigin(_ origin: String) -> String {
        var text = origin.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
