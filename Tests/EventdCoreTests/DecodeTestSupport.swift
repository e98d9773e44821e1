@testable import EventdCore

/// 2025-06-01T12:00:00Z, the receipt time of every test event.
let testReceivedAt: Int64 = 1_748_779_200_000_000

func testContext(
    transport: Transport = .tcp, address: String? = "203.0.113.77", anonymise: Bool = true, sourceKey: String? = "web",
    limits: IngestLimits = IngestLimits(), userAgent: String? = nil, country: String? = nil
) -> IngestContext {
    IngestContext(
        receivedAt: testReceivedAt, transport: transport, sourceAddress: address.flatMap(SourceAddress.init),
        anonymiseSourceAddress: anonymise, sourceKey: sourceKey, limits: limits, userAgent: userAgent, country: country)
}

/// The outcome of decoding one text, as strings for easy assertions.
struct Decoded {
    var summary: DecodeSummary
    var rows: [String]
    var rejectedRows: [String]
    var rejections: [Rejection]
    var buffer: RowBuffer

    /// Columns of event row `i` (COPY text, still escaped).
    func columns(_ i: Int = 0) -> [String] {
        rows[i].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }

    /// A column of row 0 by name.
    subscript(column: String) -> String {
        let names = CopyRowEncoder.eventsColumnList.split(separator: ",").map { $0.trimmingSpaces }
        return columns(0)[names.firstIndex(of: column)!]
    }
}

extension Substring {
    var trimmingSpaces: String { String(drop(while: { $0 == " " })) }
}

func rowsOf(_ b: RowBuffer) -> [String] {
    (0..<b.rowCount).map { i in
        b.withUnsafeBytes { raw in
            let r = b.rowRange(i)
            return String(decoding: raw[r.lowerBound..<(r.upperBound - 1)], as: UTF8.self)
        }
    }
}

func decode(_ text: String, _ context: IngestContext = testContext(), seed: UInt64 = 42) -> Decoded {
    decodeBytes(Array(text.utf8), context, seed: seed)
}

/// `twoPassOnly` turns the one-pass batch walk off (`EventDecoder.testOnly_twoPassOnly`): the reference
/// the one pass must agree with.
func decodeBytes(_ bytes: [UInt8], _ context: IngestContext = testContext(), seed: UInt64 = 42, twoPassOnly: Bool = false) -> Decoded {
    var decoder = EventDecoder(generator: UUIDv7Generator(testOnly_seed: seed))
    decoder.testOnly_twoPassOnly = twoPassOnly
    let events = RowBuffer(initialCapacity: 256)
    let rejected = RowBuffer(table: .rejectedEvents, initialCapacity: 256)
    let summary = decoder.decode(bytes, context: context, into: events, rejected: rejected)
    return Decoded(summary: summary, rows: rowsOf(events), rejectedRows: rowsOf(rejected), rejections: decoder.rejections, buffer: events)
}

/// The single rejection reason of a text that must be refused.
func reason(_ text: String, _ context: IngestContext = testContext()) -> RejectReason? {
    let d = decode(text, context)
    return d.rejections.count == 1 && d.summary.accepted == 0 ? d.rejections[0].reason : nil
}
