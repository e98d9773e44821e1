import NIOHTTP1

/// A request refused as a whole, before any of its events were decoded: its status (chosen so that
/// clients retry exactly the transient cases), a closed reason code and a sentence.
public struct RequestRefusal: Error, Sendable, Equatable {
    public var status: HTTPResponseStatus
    public var code: HTTPRefusal
    public var detail: String
    /// Seconds to wait before retrying (429, 503).
    public var retryAfter: Int?

    public init(_ status: HTTPResponseStatus, _ code: HTTPRefusal, _ detail: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.retryAfter = retryAfter
    }

    /// Seconds a sender is asked to wait after a 503.
    public static let retryAfterUnavailable = 1

    /// Nothing of the request was stored (PostgreSQL unreachable at shutdown): resending is safe.
    public static func unavailable(_ reason: String) -> RequestRefusal {
        RequestRefusal(.serviceUnavailable, .unavailable, "Nothing was stored: \(reason). Resending is safe.",
                       retryAfter: retryAfterUnavailable)
    }

    /// Whether a client should send the same request again later.
    var isRetryable: Bool {
        switch code {
        case .rateLimited, .unavailable, .requestTimeout: true
        default: false
        }
    }

    /// eventd's own body: `{"success":false,"errors":[{"reason":…,"detail":…}]}`.
    public var segmentReply: HTTPReply { .failure(status, code, detail, retryAfter: retryAfter) }

    /// `reply` with `Retry-After` added when the refusal has one (for adapters that render their own body).
    public func withRetryAfter(_ reply: HTTPReply) -> HTTPReply {
        var reply = reply
        if let retryAfter { reply.headers.replaceOrAdd(name: "Retry-After", value: String(retryAfter)) }
        return reply
    }
}
