/// Snowplow exports: the tracker's string maps (tp2 `payload_data` elements, one per record), or
/// whole `payload_data` envelopes.
extension SnowplowProtocol: ImportableProtocol {
    func importEvents(of record: JSONValue) -> [JSONValue] { record["data"]?.array ?? record.array ?? [record] }

    func importMap(_ event: JSONValue, receivedAt: Int64) -> JSONValue { SnowplowEventMapping.map(event).0 }

    var importBatchMembers: [String] { ["data"] }

    /// A string map with the tracker's event type `e`, or a `payload_data` envelope.
    func recognises(_ record: JSONValue) -> Bool {
        if record["e"]?.string != nil { return true }
        return record["schema"]?.string?.contains("payload_data") == true
    }
}
