/// A protocol whose exports `eventd import` reads: what differs by vendor when a history file holds
/// that vendor's events (one per NDJSON line or array element) rather than eventd's own shape.
/// Each event goes through the same mapping as live traffic, so an import and a live send of the
/// same event store the same row — and the same event id, which is what makes a re-import store
/// nothing twice.
protocol ImportableProtocol: IngestProtocol {
    /// The vendor's events one record holds: the record, or the events of a batch it wraps.
    func importEvents(of record: JSONValue) -> [JSONValue]
    /// One of those events in eventd's shape, as `payload` maps it.
    func importMap(_ event: JSONValue, receivedAt: Int64) -> JSONValue
    /// The members a record wraps several events in (`batch`, `data`): where a refused event's own
    /// bytes are found.
    var importBatchMembers: [String] { get }
    /// Whether `record` (the first of a file) is this vendor's, for `eventd import --format auto`.
    func recognises(_ record: JSONValue) -> Bool
}
