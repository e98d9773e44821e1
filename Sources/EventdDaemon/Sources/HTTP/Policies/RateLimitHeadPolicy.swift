/// `429` with `Retry-After` when the key's or the client address's bucket is empty
/// (`[sources.http.rate_limit]`). This only looks: the request's events are charged once decoded
/// (`HTTPCollector.charge`), so one request is never refused for its own size before it is read.
struct RateLimitHeadPolicy: HTTPHeadPolicy {
    let limiter: RateLimiter

    func check(_ request: inout HTTPHeadCheck) -> HTTPHeadVerdict {
        let key = request.key
        guard case .limited(let retryAfter, let scope) = limiter.check(
            key: key?.index, client: request.client.address, limitByIP: key?.kind != .secret, now: request.now)
        else { return .next }
        return request.refuse(Self.refusal(retryAfter: retryAfter, scope: scope))
    }

    static func refusal(retryAfter: Int, scope: RateLimiter.Scope) -> RequestRefusal {
        RequestRefusal(.tooManyRequests, .rateLimited,
                       "Too many events from this \(scope == .key ? "write key" : "address"); retry after \(retryAfter) s.",
                       retryAfter: retryAfter)
    }
}
