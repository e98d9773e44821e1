/// PostHog exports (the events API, a batch export, or a capture log): one event, or a capture
/// body (`{"batch": […]}`, an array) per record.
extension PostHogProtocol: ImportableProtocol {
    func importEvents(of record: JSONValue) -> [JSONValue] { PostHogBody.events(record) }

    func importMap(_ event: JSONValue, receivedAt: Int64) -> JSONValue {
        PostHogEventMapping.map(event, batchSentAt: nil, receivedAt: receivedAt).0
    }

    var importBatchMembers: [String] { ["batch"] }

    /// PostHog names the distinct id (or the token) at the top of an event; Mixpanel inside
    /// `properties`, Segment as `userId`/`anonymousId` (a Segment `{"batch": …}` is not PostHog's).
    func recognises(_ record: JSONValue) -> Bool {
        let event = PostHogBody.events(record).first ?? record
        return event["distinct_id"] != nil || event["$token"] != nil || record["api_key"] != nil
            || (event["event"] != nil && event["uuid"] != nil)
    }
}
