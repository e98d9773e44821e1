import NIOHTTP1

/// Segment's routes, parsed from a path (kept for tools and tests; the HTTP source routes by
/// `SegmentProtocol.routes` through `ProtocolRegistry`).
///
/// The API routes follow Segment's HTTP tracking API (`/v1/batch`, `/v1/track` …), plus the
/// one-letter paths analytics.js uses (`/v1/t`, `/v1/p`, `/v1/b` …) so that an existing SDK works by
/// changing only its host. `/v1/beacon` is the fast, fire-and-forget entry point for
/// `navigator.sendBeacon`; `?beacon=1` on any API route means the same.
enum HTTPRoute: Equatable, Sendable {
    /// A body holding a batch (or a single event, or a bare array): `/v1/batch`, `/v1/b`, `/v1/import`.
    case batch
    /// A single message whose `type` the path implies when the body omits it.
    case single(impliedType: String)
    /// `navigator.sendBeacon`: same bodies as `/v1/batch`, answered 204 as soon as the ring holds them.
    case beacon
    /// `GET /v1/pixel/<type>?data=<base64 JSON>`: answered with a 1×1 GIF.
    case pixel(impliedType: String)

    /// The route for `path` (without its query), or nil when eventd serves nothing there.
    static func match(path: Substring) -> HTTPRoute? {
        guard path.hasPrefix("/v1/") else { return nil }
        var rest = path.dropFirst(4)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        switch rest {
        case "batch", "b", "import": return .batch
        case "beacon": return .beacon
        case "track", "t": return .single(impliedType: "track")
        case "page", "p": return .single(impliedType: "page")
        case "screen", "s": return .single(impliedType: "screen")
        case "identify", "i": return .single(impliedType: "identify")
        case "group", "g": return .single(impliedType: "group")
        case "alias", "a": return .single(impliedType: "alias")
        default:
            guard rest.hasPrefix("pixel/") else { return nil }
            let type = rest.dropFirst(6)
            // Only the closed set of event types: the name is spliced into JSON, so nothing else may pass.
            guard let known = Self.eventTypes.first(where: { $0 == type }) else { return nil }
            return .pixel(impliedType: known)
        }
    }

    /// The method the route is served on (every route also answers `OPTIONS` preflights).
    var method: HTTPMethod {
        if case .pixel = self { return .GET }
        return .POST
    }

    /// The event types a pixel path may name: analytics.event_type, Segment's and the native ones.
    static let eventTypes = [
        "track", "page", "screen", "identify", "group", "alias",
        "page_view", "user_action", "form_submit", "conversion", "onboarding", "experiment", "whatsapp",
        "system", "error",
    ]
}
