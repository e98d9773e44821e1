/// Mixpanel exports (the raw export API's NDJSON, or `/import` bodies): an event per record, an
/// array of them, or an `/engage` profile update.
extension MixpanelProtocol: ImportableProtocol {
    func importEvents(of record: JSONValue) -> [JSONValue] { record.array ?? [record] }

    func importMap(_ event: JSONValue, receivedAt: Int64) -> JSONValue {
        if event["event"] == nil, event["$distinct_id"] != nil { return MixpanelEventMapping.mapProfileUpdate(event).0 }
        if event["event"] == nil, event["$group_id"] != nil { return MixpanelEventMapping.mapGroupUpdate(event).0 }
        return MixpanelEventMapping.map(event).0
    }

    var importBatchMembers: [String] { [] }

    /// `{"event": …, "properties": {…}}` with Mixpanel's own members inside `properties`.
    func recognises(_ record: JSONValue) -> Bool {
        let event = record.array?.first ?? record
        guard event["event"] != nil, let props = event["properties"], props.isObject else {
            return event["$distinct_id"] != nil && event["$token"] != nil
        }
        return event["type"] == nil
            && (props["distinct_id"] != nil || props["$insert_id"] != nil || props["time"] != nil || props["token"] != nil)
    }
}
