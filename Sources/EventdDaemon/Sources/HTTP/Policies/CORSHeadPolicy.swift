import NIOHTTP1

/// Browsers' cross-origin rules (`CORSPolicy`) applied to a head: answers a preflight (`OPTIONS`),
/// and refuses with `403` a public key used from an origin it does not allow. The CORS headers of
/// every other answer come from `HTTPHeadCheck.corsHeaders`.
struct CORSHeadPolicy: HTTPHeadPolicy {
    let cors: CORSPolicy

    func check(_ request: inout HTTPHeadCheck) -> HTTPHeadVerdict {
        if request.head.method == .OPTIONS { return .answer(preflight(request)) }
        if let key = request.key, let origin = request.origin, key.kind == .public, !cors.allows(origin: origin, key: key) {
            return request.refuse(RequestRefusal(.forbidden, .originNotAllowed,
                                                 "The write key '\(key.name)' may not be used from \(origin)."), withCORS: false)
        }
        return .next
    }

    private func preflight(_ request: HTTPHeadCheck) -> HTTPReply {
        var reply = HTTPReply(status: .noContent, close: request.closesOnRefusal)
        reply.headers.add(contentsOf: request.vary)
        reply.headers.add(name: "Allow", value: CORSPolicy.allowedMethods)
        guard let origin = request.origin else { return reply }
        guard cors.allowsPreflight(origin: origin, key: request.key) else {
            var refused = request.adapter.refusal(RequestRefusal(.forbidden, .originNotAllowed, "No write key may be used from \(origin)."))
            refused.close = request.closesOnRefusal
            refused.headers.add(contentsOf: request.vary)
            return refused
        }
        CORSPolicy.preflightHeaders(origin: origin, request: request.head.headers, into: &reply.headers)
        return reply
    }
}
