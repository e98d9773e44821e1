import NIOHTTP1

/// A request refused as a whole, before any of its events were decoded: its status (chosen so that
/// clients retry exactly the transient cases), a closed reason code and a sentence.
struct RequestRefusal: Error, Sendable, Equatable {
    var status: HTTPResponseStatus
    var code: HTTPRefusal
    var detail: String
    /// Seconds to wait before retrying (429, 503).
    var retryAfter: Int?

    init(_ status: HTTPResponseStatus, _ code: HTTPRefusal, _ detail: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.retryAfter = retryAfter
    }

    /// Nothing of the request was stored (PostgreSQL unreachable at shutdown): resending is safe.
    static func unavailable(_ reason: String) -> RequestRefusal {
        RequestRefusal(.serviceUnavailable, .unavailable, "Nothing was stored: \(reason). Resending is safe.",
                       retryAfter: HTTPOutcomeReply.retryAfterUnavailable)
    }

    /// Whether a client should send the same request again later.
    var isRetryable: Bool {
        switch code {
        case .rateLimited, .unavailable, .requestTimeout: true
        default: false
        }
    }

    /// eventd's own body: `{"success":false,"errors":[{"reason":…,"detail":…}]}`.
    var segmentReply: HTTPReply { .failure(status, code, detail, retryAfter: retryAfter) }

    /// `reply` with `Retry-After` added when the refusal has one (for adapters that render their own body).
    func withRetryAfter(_ reply: HTTPReply) -> HTTPReply {
        var reply = reply
        if let retryAfter { reply.headers.replaceOrAdd(name: "Retry-After", value: String(retryAfter)) }
        return reply
    }
}
