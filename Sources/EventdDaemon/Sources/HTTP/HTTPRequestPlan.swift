import EventdCore
import NIOHTTP1

/// What the head of an accepted request decided, carried until its body has arrived.
struct HTTPRequestPlan: Sendable {
    /// How the sender is answered (see `ProtocolRoute.Delivery`).
    typealias Delivery = ProtocolRoute.Delivery

    /// How the body holds the events.
    enum BodyFormat: Sendable, Equatable {
        /// The body is the text (`application/json`, `text/plain`, or no Content-Type).
        case json
        /// `application/x-www-form-urlencoded`: the protocol reads its fields (`data`, `writeKey` …).
        case form
    }

    /// The protocols serving the path, in the order they are asked (usually one).
    var candidates: [ProtocolRegistry.Entry]
    var method: HTTPMethod
    /// The raw query string (without `?`).
    var query: [UInt8]
    var delivery: Delivery
    var format: BodyFormat
    var encoding: BodyInflater.Encoding?
    /// The key presented in the head, if any (already matched).
    var key: WriteKeyStore.Match?
    var origin: String?
    var client: ClientAddressResolver.Resolved
    var userAgent: String?
    var country: String?
    /// The request head's headers, for protocols that read their own (`PostHog-Request-Id` …).
    var headers: HTTPHeaders
    /// The largest body accepted, after decompression.
    var maxBodyBytes: Int
    /// Whether the request carries a body to read.
    var expectsContinue: Bool
    /// Headers every reply to this request carries (`Vary: Origin`, CORS).
    var replyHeaders: HTTPHeaders

    /// The protocol that answers refusals made before its body is read.
    var primary: ProtocolRegistry.Entry { candidates[0] }
}

/// What to do with a request whose body has arrived: the text to decode and how.
struct HTTPIngestWork: Sendable {
    /// The text for the decoder: the body itself (nil), or the protocol's rewriting of it.
    var text: [UInt8]?
    /// The vendor's own bytes behind `text`, kept as a refused event's `raw`.
    var sender: SenderBytes?
    var context: IngestContext
    var delivery: HTTPRequestPlan.Delivery
    /// The protocol that read the body, and renders the receipt.
    var adapter: any IngestProtocol
    var replyContext: ProtocolReplyContext
    /// The rate limiter's key bucket, if a key was presented.
    var keyIndex: Int?
    /// Whether the per-IP limit applies (not for secret keys).
    var limitByIP: Bool
    /// `drop_bots` and a bot's User-Agent: decode (to count) but store nothing.
    var dropAsBot: Bool
    /// Headers every reply to this request carries (CORS).
    var replyHeaders: HTTPHeaders

    /// The protocol's answer for `receipt`, with the request's headers.
    func reply(_ receipt: Receipt) -> HTTPReply {
        var reply = adapter.reply(receipt, context: replyContext)
        reply.headers.add(contentsOf: replyHeaders)
        return reply
    }

    /// The protocol's answer for a whole-request refusal, with the request's headers.
    func refusal(_ refusal: RequestRefusal) -> HTTPReply {
        var reply = adapter.refusal(refusal)
        reply.headers.add(contentsOf: replyHeaders)
        return reply
    }
}
