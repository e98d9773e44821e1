/// A write key named in the body (Segment's `writeKey`, PostHog's `api_key`, Mixpanel's `token` …)
/// when the head named none: `401` for a key that is not known, `403` for a public key used from an
/// origin it does not allow, `429` when its bucket (or the address's) is empty. A secret key's
/// answers carry no CORS headers. A name that is only a candidate (`writeKeyIsCandidate`: a
/// project token that may not be one of eventd's keys) is used only if it matches.
struct BodyWriteKeyPolicy: HTTPBodyPolicy {
    let keys: WriteKeyStore
    let cors: CORSPolicy
    let limiter: RateLimiter

    func check(_ request: inout HTTPBodyCheck) -> HTTPHeadVerdict {
        guard request.key == nil, let named = request.events.writeKey,
              !request.events.writeKeyIsCandidate || keys.match(named) != nil else { return .next }
        guard let match = keys.match(named) else {
            return request.refuse(RequestRefusal(.unauthorized, .invalidWriteKey, "The write key is not known."))
        }
        if let origin = request.plan.origin, match.kind == .public, !cors.allows(origin: origin, key: match) {
            return request.refuse(RequestRefusal(.forbidden, .originNotAllowed,
                                                 "The write key '\(match.name)' may not be used from \(origin)."),
                                  headers: HTTPBodyCheck.withoutCORS(request.replyHeaders))
        }
        if match.kind == .secret { request.replyHeaders = HTTPBodyCheck.withoutCORS(request.replyHeaders) }
        request.key = match
        // The head's rate limit look was made without this key: look again with it.
        if case .limited(let retryAfter, let scope) = limiter.check(
            key: match.index, client: request.plan.client.address, limitByIP: match.kind != .secret, now: request.now) {
            return request.refuse(RateLimitHeadPolicy.refusal(retryAfter: retryAfter, scope: scope))
        }
        return .next
    }
}
