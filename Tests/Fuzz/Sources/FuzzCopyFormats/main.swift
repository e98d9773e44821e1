// libFuzzer target: binary COPY against text COPY (`BinaryCopyEncoder`, Sources/EventdCore/Encode).
//
// Each input is decoded by `EventDecoder` into COPY text rows (under one of three receipt times: today, and
// the two ends of the range eventd stores, 0001-01-01 and 9999-12-31, with an IPv4, IPv6 or no address,
// chosen by the input's length), and every row is re-encoded into a binary stream. Invariants:
//   • every row the decoder writes is one the binary encoder reads, but for a timestamp outside 0001–9999
//     (the decoder's skew correction can move occurred_at there from an edge receipt time; PostgreSQL refuses
//     it as text, so the encoder refuses it too and the loader sends that cut as text);
//   • the stream is header, one tuple per row, trailer, and nothing else;
//   • each binary field, decoded here independently of the encoder, says what its text column says:
//     NULL for `\N`; text and enums: the unescaped bytes; jsonb: version 1 then the unescaped text;
//     uuid, timestamptz, inet and bool: the value that, written back as eventd writes text, is the column.
import EventdCore
import FuzzSupport

let contexts: [IngestContext] = [
    IngestContext(receivedAt: 1_748_779_200_000_000, transport: .http, sourceAddress: SourceAddress("2001:db8:85a3::8a2e:370:7334"),
                  anonymiseSourceAddress: false, sourceKey: "web\tkey", userAgent: "Mozilla/5.0 (Windows NT 10.0) Chrome/126.0",
                  country: "DE"),
    IngestContext(receivedAt: Timestamp.minMicros, transport: .udp, sourceAddress: SourceAddress("203.0.113.77"),
                  anonymiseSourceAddress: true, sourceKey: nil),
    IngestContext(receivedAt: Timestamp.maxMicros, transport: .tcp),
]

nonisolated(unsafe) var decoder = EventDecoder()
let events = RowBuffer(initialCapacity: 256)
let rejected = RowBuffer(table: .rejectedEvents, initialCapacity: 256)
let binary = RowBuffer(initialCapacity: 256)

func fail(_ message: String, _ row: ArraySlice<UInt8>) -> Never {
    fatalError("\(message)\n  row: \(String(decoding: row.prefix(600), as: UTF8.self).debugDescription)")
}

/// Reads big-endian integers off a byte array.
struct Reader {
    let bytes: [UInt8]
    var at = 0
    mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard at + n <= bytes.count else { return nil }
        defer { at += n }
        return bytes[at..<(at + n)]
    }
    mutating func int(_ n: Int) -> Int64? {
        guard let b = take(n) else { return nil }
        let v = b.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let shift = UInt64(64 - 8 * n)
        return Int64(bitPattern: v << shift) >> Int64(shift)  // sign-extended
    }
}

func text(of micros: Int64) -> [UInt8] { Array(Timestamp.formatted(micros).utf8) }

/// The text eventd writes for the binary value of column `column`, or nil when the value is malformed.
func textForm(_ value: ArraySlice<UInt8>, column: Int) -> [UInt8]? {
    var r = Reader(bytes: Array(value))
    switch column {
    case 0, 31:  // uuid
        guard value.count == 16, let hi = r.int(8), let lo = r.int(8) else { return nil }
        return Array(EventUUID(hi: UInt64(bitPattern: hi), lo: UInt64(bitPattern: lo)).description.utf8)
    case 7, 8, 9, 10:  // timestamptz
        guard value.count == 8, let v = r.int(8) else { return nil }
        let micros = v + 946_684_800_000_000
        guard micros >= Timestamp.minMicros, micros <= Timestamp.maxMicros else { return nil }
        return text(of: micros)
    case 14:  // inet: family, bits, is_cidr, length, address
        guard let family = r.take(1)?.first, let bits = r.take(1)?.first, let cidr = r.take(1)?.first,
              let n = r.take(1)?.first, cidr == 0,
              (family == 2 && bits == 32 && n == 4) || (family == 3 && bits == 128 && n == 16),
              let address = r.take(Int(n)), r.at == value.count else { return nil }
        guard let a = Array(address).withUnsafeBytes({ SourceAddress(bytes: $0) }) else { return nil }
        return Array(a.description.utf8)
    case 30:  // bool
        guard value.count == 1, value.first! <= 1 else { return nil }
        return [value.first! == 1 ? 0x74 : 0x66]
    case 11, 12:  // jsonb
        guard value.first == 1 else { return nil }
        return nil  // compared unescaped, below
    default:
        return nil
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCopyFormats(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    events.removeAll(keepingCapacity: true)
    rejected.removeAll(keepingCapacity: true)
    _ = decoder.decode(input, context: contexts[size % contexts.count], into: events, rejected: rejected)

    BinaryCopyEncoder.beginStream(binary)
    let textBytes = events.withUnsafeBytes { Array($0) }
    var rows: [ArraySlice<UInt8>] = []
    for row in (0..<events.rowCount).map({ textBytes[events.rowRange($0)] }) {
        if row.withUnsafeBytes({ BinaryCopyEncoder.appendEventTuple(fromTextRow: $0, to: binary) }) {
            rows.append(row)
            continue
        }
        let fields = row.dropLast().split(separator: 0x09, omittingEmptySubsequences: false)
        let outOfRange = fields.count > 10 && fields[7...10].contains { field in
            !field.elementsEqual([0x5C, 0x4E]) && Array(field).withUnsafeBufferPointer {
                Timestamp.parseFormatted($0.baseAddress!, $0.count) == nil
            }
        }
        if !outOfRange { fail("the binary encoder refused a row the decoder wrote (the loader would fall back to text)", row) }
    }
    BinaryCopyEncoder.endStream(binary)
    if binary.rowCount != rows.count { fatalError("binary rows \(binary.rowCount) != text rows \(rows.count)") }

    var r = Reader(bytes: binary.withUnsafeBytes { Array($0) })
    let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
    guard r.take(header.count).map(Array.init) == header else { fatalError("bad binary COPY header") }
    for row in rows {
        let fields = row.dropLast().split(separator: 0x09, omittingEmptySubsequences: false)
        guard let count = r.int(2), count == Int64(BinaryCopyEncoder.eventColumnCount), fields.count == Int(count) else {
            fail("tuple field count differs from the text row's columns", row)
        }
        for (column, field) in fields.enumerated() {
            guard let length = r.int(4) else { fail("stream ends inside a tuple", row) }
            if field.elementsEqual([0x5C, 0x4E]) {
                if length != -1 { fail("column \(column): \\N in text but not NULL in binary", row) }
                continue
            }
            guard length >= 0, let value = r.take(Int(length)) else { fail("column \(column): bad length \(length)", row) }
            switch column {
            case 0, 31, 7, 8, 9, 10, 14, 30:
                guard let back = textForm(value, column: column), back.elementsEqual(field) else {
                    fail("column \(column): binary value does not read back as the text column", row)
                }
            case 11, 12:
                guard value.first == 1, value.dropFirst().elementsEqual(unescape(field)) else {
                    fail("column \(column): jsonb is not version 1 plus the unescaped text", row)
                }
            default:
                if !value.elementsEqual(unescape(field)) { fail("column \(column): text differs", row) }
            }
        }
    }
    guard r.int(2) == -1, r.at == r.bytes.count else { fatalError("binary COPY stream does not end with its trailer") }
    return 0
}
