import EventdCore
import EventdHTTPBody
import NIOHTTP1

/// A request whose body has arrived (already inflated), as an adapter's `payload` sees it.
public struct ProtocolRequest {
    public var route: ProtocolRoute
    public var method: HTTPMethod
    /// The raw query string (without `?`), percent-encoded as sent.
    public var query: [UInt8]
    /// The body (empty for GET).
    public var body: UnsafeRawBufferPointer
    /// `Content-Type: application/x-www-form-urlencoded`.
    public var isForm: Bool
    public var headers: HTTPHeaders
    /// When the request was received (µs since the epoch): for epoch-relative fields such as `offset`.
    public var receivedAt: Int64
    /// The largest body accepted after decompression: the cap for any decoding an adapter does.
    public var maxBodyBytes: Int
    /// The decoder's depth limit, for adapters that build a tree first.
    public var maxDepth: Int
    /// Whether another protocol serving the same path gets a look when this one does not recognise the body.
    public var othersMayClaim: Bool

    public init(route: ProtocolRoute, method: HTTPMethod, query: [UInt8], body: UnsafeRawBufferPointer, isForm: Bool,
                headers: HTTPHeaders, receivedAt: Int64, maxBodyBytes: Int, maxDepth: Int, othersMayClaim: Bool) {
        self.route = route
        self.method = method
        self.query = query
        self.body = body
        self.isForm = isForm
        self.headers = headers
        self.receivedAt = receivedAt
        self.maxBodyBytes = maxBodyBytes
        self.maxDepth = maxDepth
        self.othersMayClaim = othersMayClaim
    }

    /// A query parameter, decoded; nil when absent.
    public func queryValue(_ name: String) -> [UInt8]? { URLEncoding.value(named: name, in: query) }

    /// A form field of the body, decoded; nil when absent or the body is not a form.
    public func formValue(_ name: String) -> [UInt8]? { isForm ? URLEncoding.value(named: name, in: body) : nil }

    /// A query parameter or form field as text.
    public func parameter(_ name: String) -> String? {
        (formValue(name) ?? queryValue(name)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// What an adapter made of a request.
public enum ProtocolPayload {
    /// Events for the decoder.
    case events(ProtocolEvents)
    /// The request is refused as a whole.
    case refused(RequestRefusal)
    /// Not this protocol's body (only when `othersMayClaim`): the next protocol serving the path is asked.
    case notRecognised
}

/// The text the decoder reads, and what the adapter noted on the way.
public struct ProtocolEvents: Sendable {
    /// eventd's event shape (one event, a `{"batch":[…]}` object or an array); nil means the body as is.
    public var text: [UInt8]?
    /// The write key the body (or query) carries, if any.
    public var writeKey: [UInt8]?
    /// The senders' ids by batch position, for per-event receipts keyed by id (PostHog capture v1).
    public var eventIDs: [String?] = []
    /// The sender asked for a detailed answer (Mixpanel's `verbose=1`).
    public var verbose = false
    /// `writeKey` is only a candidate (Snowplow's app id): used when it is a configured key, ignored
    /// (not refused) when it is not.
    public var writeKeyIsCandidate = false
    /// The vendor drops bots itself (Plausible, Umami): a bot's User-Agent stores nothing even when
    /// `drop_bots` is off, and the answer says so in the vendor's way.
    public var dropsBots = false
    /// The sender's id for the whole request (PostHog's `PostHog-Request-Id`), echoed on the answer.
    public var requestID: String?
    /// The vendor's own bytes behind `text`: what a refused event's `raw` keeps (see `SenderBytes`).
    public var sender: SenderBytes?

    public init(text: [UInt8]?, writeKey: [UInt8]? = nil, eventIDs: [String?] = [], verbose: Bool = false) {
        self.text = text
        self.writeKey = writeKey
        self.eventIDs = eventIDs
        self.verbose = verbose
    }
}
