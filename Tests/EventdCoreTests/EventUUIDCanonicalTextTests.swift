import Testing
@testable import EventdCore

/// A sender's UUID already in canonical text is copied into `event_id` rather than formatted again:
/// the column must be what formatting writes, whatever the sender's spelling.
@Suite struct EventUUIDCanonicalTextTests {
    static let ids = [
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "3F2504E0-4F89-11D3-9A0C-0305E82C3301", "3f2504e0-4f89-11d3-9a0c-0305e82c330A",
        "A3f2504e-04f8-911d-39a0-c0305e82c330", "3f2504e04f8911d39a0c0305e82c3301", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "ffffffff-ffff-ffff-ffff-fffffffffffF",
    ]

    @Test(arguments: ids) func eventIDIsTheFormattedUUID(_ id: String) {
        let d = decode(#"{"type":"user_action","name":"n","message_id":"\#(id)"}"#)
        #expect(d.summary.accepted == 1)
        #expect(d["event_id"] == EventUUID.parse(id)!.description)
        #expect(d["message_id"] == id)
    }

    @Test(arguments: ids) func canonicalTextIsWhatFormatWrites(_ id: String) {
        var s = id
        let canonical = s.withUTF8 { EventUUID.isCanonicalText($0.baseAddress!, count: $0.count) }
        #expect(canonical == (EventUUID.parse(id)!.description == id))
    }
}
