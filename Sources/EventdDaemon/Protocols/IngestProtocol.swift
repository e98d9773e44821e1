import NIOHTTP1

/// One wire protocol eventd's HTTP source speaks: a vendor's tracking API (Segment, PostHog,
/// Mixpanel …) as that vendor's SDKs send it.
///
/// An adapter owns everything that varies by vendor and nothing else:
/// - its routes (method + path values, `routes`);
/// - reading a request's body and query into the text `EventDecoder` reads — eventd's own event
///   shape (see `EventMapping`), so validation, enrichment and the COPY row are shared — and the
///   write key the body carries (`payload`);
/// - how a `Receipt` and a whole-request refusal are told to that vendor's clients (`reply`,
///   `refusal`): status codes its SDKs treat as retryable or not, and the body they parse.
///
/// Everything else (write keys, CORS, size and encoding limits, rate limits, the ring, durability)
/// is the HTTP source's, the same for every protocol. Adding a protocol is a folder under
/// `Protocols/` and one line in `ProtocolRegistry.standard`; see docs/writing-a-protocol-adapter.md.
protocol IngestProtocol: Sendable {
    /// Lower-case name (`segment`, `posthog`): docs, logs, and first-party path prefixes.
    var name: String { get }
    /// The paths this protocol serves. A path that ends in `/` is served with and without it.
    var routes: [ProtocolRoute] { get }
    /// Reads the request into the decoder's text, or refuses it.
    func payload(_ request: ProtocolRequest) -> ProtocolPayload
    /// The answer once the fate of the request's events is known.
    func reply(_ receipt: Receipt, context: ProtocolReplyContext) -> HTTPReply
    /// The answer to a request refused as a whole (unknown key, rate limit, full queue …).
    func refusal(_ refusal: RequestRefusal) -> HTTPReply
    /// Where each `analytics.events` column comes from (the docs' mapping table is rendered from it).
    var mapping: [ColumnMapping] { get }
    /// The docs page's prose: bodies, authentication, answers (Markdown).
    var guide: String { get }
}

extension IngestProtocol {
    /// eventd's own refusal body, `{"success":false,"errors":[{"reason":…,"detail":…}]}`.
    func refusal(_ refusal: RequestRefusal) -> HTTPReply { refusal.segmentReply }
    var mapping: [ColumnMapping] { [] }
    var guide: String { "" }
}

/// What a reply is rendered for: the route, how the sender is answered, and what the adapter noted
/// while reading the body (e.g. the event ids a per-event receipt is keyed by).
struct ProtocolReplyContext: Sendable {
    var route: ProtocolRoute
    var delivery: ProtocolRoute.Delivery
    var events: ProtocolEvents
}
