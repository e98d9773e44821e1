import NIOHTTP1

/// `PostHog-Request-Id`: the id PostHog's SDKs (capture v1, and posthog-js) give one logical batch,
/// stable across every retry of it while `PostHog-Attempt` counts up. PostHog's capture logs it with
/// the request and answers with it; eventd echoes it on the answer and uses it for the one thing a
/// stable id per batch buys an idempotent store: an event sent without a `uuid` gets an id made
/// from the request id and its position, so a resent batch stores it once. (eventd never answers
/// `retry` for single events, so a resend is always the whole batch and positions do not shift.)
public enum PostHogRequestID {
    public static let header = "PostHog-Request-Id"

    /// The header's value when it is a plausible id (PostHog's SDKs send a UUID); anything longer
    /// than 128 characters or outside `[A-Za-z0-9_.:-]` is ignored rather than stored.
    public static func read(_ headers: HTTPHeaders) -> String? {
        guard let value = headers.first(name: header), !value.isEmpty, value.utf8.count <= 128,
              value.utf8.allSatisfy({ isAllowed($0) }) else { return nil }
        return value
    }

    /// The sender id of the event at `index` of a batch that came without one.
    public static func eventID(_ requestID: String, index: Int) -> String { "posthog-request:\(requestID):\(index)" }

    private static func isAllowed(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == 0x5F || c == 0x2E || c == 0x3A || c == 0x2D
    }
}
