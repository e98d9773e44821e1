import EventdCore
import NIOCore
import NIOHTTP1

/// A request head while the `HTTPHeadPolicy`s look at it: what the head says, and what the
/// policies before have found out (the protocols serving the path, the write key, the body's format).
struct HTTPHeadCheck {
    let head: HTTPRequestHead
    let path: Substring
    let query: Substring?
    let origin: String?
    /// `Vary: Origin` when the request names an origin: every answer to it carries this.
    let vary: HTTPHeaders
    /// Whether a body comes that a refusal will not read: one framed by Content-Length above the
    /// size limit, or chunked. A refused small body is read and discarded, so a keep-alive SDK keeps
    /// its connection; otherwise the refusal closes it.
    let closesOnRefusal: Bool
    /// The largest body accepted, after decompression.
    let maxBodyBytes: Int
    let client: ClientAddressResolver.Resolved
    let now: NIODeadline
    /// The cross-origin rules, for the CORS headers of the answers.
    let cors: CORSPolicy

    // Found out by the policies, in their order.

    /// The protocols serving the path (`RouteHeadPolicy`).
    var served: [ProtocolRegistry.Entry] = []
    /// Those of them that accept the request's method.
    var candidates: [ProtocolRegistry.Entry] = []
    /// What the head presented as a write key, and the key it matched (`CredentialsHeadPolicy`).
    var presentedKey: [UInt8]?
    var key: WriteKeyStore.Match?
    /// How the body is compressed and holds its events (`BodyFormatHeadPolicy`).
    var encoding: BodyInflater.Encoding?
    var format = HTTPRequestPlan.BodyFormat.json

    init(head: HTTPRequestHead, client: ClientAddressResolver.Resolved, maxBodyBytes: Int, cors: CORSPolicy, now: NIODeadline) {
        self.head = head
        (path, query) = Self.split(uri: head.uri)
        origin = head.headers.first(name: "origin")
        var vary = HTTPHeaders()
        if origin != nil { vary.add(name: "Vary", value: "Origin") }
        self.vary = vary
        closesOnRefusal = Self.hasBody(head.headers) && !Self.hasSmallBody(head.headers, limit: maxBodyBytes)
        self.maxBodyBytes = maxBodyBytes
        self.client = client
        self.cors = cors
        self.now = now
    }

    /// The protocol serving the path, which tells refusals in its own terms; only after `RouteHeadPolicy`.
    var adapter: any IngestProtocol { served[0].adapter }

    /// The CORS headers an answer carries: an origin that the key (or, without one, any public key) allows.
    var corsHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        if let origin, key.map({ cors.allows(origin: origin, key: $0) }) ?? cors.allowsPreflight(origin: origin, key: nil) {
            CORSPolicy.allowHeaders(origin: origin, into: &headers)
        }
        return headers
    }

    /// Answers with `reply` plus `Vary` (and the CORS headers), closing when the body will not be read.
    func refuse(_ reply: HTTPReply, withCORS: Bool) -> HTTPHeadVerdict {
        var reply = reply
        reply.headers.add(contentsOf: vary)
        if withCORS { reply.headers.add(contentsOf: corsHeaders) }
        if closesOnRefusal { reply.close = true }
        return .answer(reply)
    }

    /// Answers with `refusal` in the path's protocol's own shape.
    func refuse(_ refusal: RequestRefusal, withCORS: Bool = true) -> HTTPHeadVerdict {
        refuse(adapter.refusal(refusal), withCORS: withCORS)
    }

    static func split(uri: String) -> (path: Substring, query: Substring?) {
        guard let mark = uri.firstIndex(of: "?") else { return (Substring(uri), nil) }
        return (uri[..<mark], uri[uri.index(after: mark)...])
    }

    /// Whether the body is framed by a Content-Length within `limit`.
    static func hasSmallBody(_ headers: HTTPHeaders, limit: Int) -> Bool {
        guard !headers[canonicalForm: "transfer-encoding"].contains(where: { $0.lowercased() == "chunked" }),
              let length = headers.first(name: "content-length").flatMap({ Int($0.trimmingSpaces) }) else { return false }
        return length <= limit
    }

    /// Whether the request carries a body (a Content-Length above 0, or chunked).
    static func hasBody(_ headers: HTTPHeaders) -> Bool {
        if let length = headers.first(name: "content-length"), let n = Int(length.trimmingSpaces) { return n > 0 }
        return headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
    }
}
