/// One concern of deciding a request once the protocol has read its body (a write key the body
/// names, a key being required at all, the bot rule), as a value with no I/O.
///
/// `HTTPCollector.body` asks its policies in order, after the head policies and the protocol's
/// reading of the body; each reads and fills in the `HTTPBodyCheck` and either lets the request go
/// on (`.next`) or answers it, with the same verdict as a head policy. Their order is behaviour: a
/// body's key is known (and its origin and rate limit checked) before a missing key is refused,
/// and the bot rule exempts secret keys, so it comes last. See `HTTPCollector.bodyPolicies`.
protocol HTTPBodyPolicy: Sendable {
    func check(_ request: inout HTTPBodyCheck) -> HTTPHeadVerdict
}
