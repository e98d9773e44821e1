import EventdCore

extension SenderBytes {
    /// The vendor's own bytes for a batch an adapter rewrote event by event: each event's span in
    /// `bytes` (the top-level array, or the array under one of `members`), or — when the spans do
    /// not line up with `events` — each event re-serialised, so a refusal never keeps a neighbour's bytes.
    public static func batch(_ bytes: [UInt8], members: [String], events: [JSONValue]) -> SenderBytes {
        if let ranges = elementRanges(of: bytes, members: members), ranges.count == events.count {
            return SenderBytes(bytes: bytes, ranges: ranges)
        }
        if events.count == 1 { return SenderBytes(single: bytes) }
        return SenderBytes(elements: events.map(\.bytes))
    }
}
