/// One concern of deciding a request from its head (its route, its credentials, CORS, its body's
/// format, size, rate limits), as a value with no I/O.
///
/// `HTTPCollector` asks its policies in order; each reads and fills in the `HTTPHeadCheck` and
/// either lets the request go on to the next one or answers it. Their order is part of the
/// behaviour (a 404 before a 401, a preflight before a 405): see `HTTPCollector.headPolicies`.
protocol HTTPHeadPolicy: Sendable {
    func check(_ request: inout HTTPHeadCheck) -> HTTPHeadVerdict
}

/// What one policy decided about a request head.
enum HTTPHeadVerdict: Equatable {
    /// Nothing to object: ask the next policy.
    case next
    /// Answer now, without decoding (a refusal, a preflight, a served page).
    case answer(HTTPReply)
}
