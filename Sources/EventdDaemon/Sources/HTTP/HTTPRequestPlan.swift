import EventdCore
import NIOHTTP1

/// What the head of an accepted request decided, carried until its body has arrived.
struct HTTPRequestPlan: Sendable {
    /// How the sender is answered.
    enum Delivery: Sendable, Equatable {
        /// API routes: `200` only once the events are committed in PostgreSQL.
        case durable
        /// Beacons: `204` as soon as the ring holds the events.
        case beacon
        /// Pixels: the GIF as soon as the ring holds the events.
        case pixel
    }

    /// How the body holds the JSON.
    enum BodyFormat: Sendable, Equatable {
        /// The body is the JSON text (`application/json`, `text/plain`, or no Content-Type).
        case json
        /// `application/x-www-form-urlencoded`: the JSON is the `data` field (plain or base64),
        /// and a `writeKey` field may carry the key.
        case form
    }

    var route: HTTPRoute
    var delivery: Delivery
    var format: BodyFormat
    var encoding: BodyInflater.Encoding?
    /// The key presented in the head, if any (already matched).
    var key: WriteKeyStore.Match?
    var origin: String?
    var client: ClientAddressResolver.Resolved
    var userAgent: String?
    var country: String?
    /// For pixels: the decoded `data` parameter (the body of a GET).
    var pixelData: [UInt8]?
    /// The largest body accepted, after decompression.
    var maxBodyBytes: Int
    /// Whether the request carries a body to read.
    var expectsContinue: Bool
    /// Headers every reply to this request carries (`Vary: Origin`, CORS).
    var replyHeaders: HTTPHeaders

    /// The type a single-message route or a pixel implies.
    var impliedType: String? {
        switch route {
        case .single(let type), .pixel(let type): type
        case .batch, .beacon: nil
        }
    }
}

/// What to do with a request whose body has arrived: the JSON text to decode and how.
struct HTTPIngestWork {
    /// The text for the decoder: the body itself, or a rewritten copy (form field, implied type).
    var text: [UInt8]?
    var context: IngestContext
    var delivery: HTTPRequestPlan.Delivery
    /// The rate limiter's key bucket, if a key was presented.
    var keyIndex: Int?
    /// Whether the per-IP limit applies (not for secret keys).
    var limitByIP: Bool
    /// `drop_bots` and a bot's User-Agent: decode (to count) but store nothing.
    var dropAsBot: Bool
    /// Headers every reply to this request carries (CORS).
    var replyHeaders: HTTPHeaders
}
