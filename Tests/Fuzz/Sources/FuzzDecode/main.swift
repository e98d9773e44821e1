// libFuzzer target: the JSON scanner/validator and COPY row writer (`EventDecoder.decode`, Sources/EventdCore/Decode).
//
// Each input is decoded three times: by a fresh decoder, by one decoder reused across all inputs (scratch memory
// and slot tables must not leak state between texts), and under tight limits (so the size, count and depth
// refusals are reached by small inputs). Invariants checked on every decode:
//   • the summary agrees with the buffers: accepted == event rows, rejected == refused rows == rejections;
//   • every row has as many tab-separated columns as its COPY column list names, ends with one `\n`,
//     holds no raw CR/LF/NUL, is valid UTF-8, and uses only COPY's escapes (`\\` `\n` `\r` `\t`, `\N` alone);
//   • `properties` and `context` are JSON objects PostgreSQL's jsonb accepts: no `\u0000`, no lone surrogate,
//     numbers within numeric's range (judged apart from Foundation, whose Doubles cannot hold them all);
//   • every rejection's raw range lies inside the text;
//   • the reused decoder gives the same rows (but for fresh UUIDs: event_id, a random rejection_id) and
//     refusals as the fresh one, and so does a decoder without the one-pass batch walk (`testOnly_twoPassOnly`).
import EventdCore
import FuzzSupport
import Foundation

// Counted from the column lists the loader sends, so a new column cannot leave this target behind.
let eventsColumns = CopyRowEncoder.eventsColumnList.split(separator: ",").count
let rejectedColumns = CopyRowEncoder.rejectedColumnList.split(separator: ",").count
let propertiesColumn = 11
let contextColumn = 12
let eventIDColumn = 0

let defaultContext = IngestContext(
    receivedAt: 1_748_779_200_000_000, transport: .http, sourceAddress: SourceAddress("2001:db8:85a3::8a2e:370:7334"),
    anonymiseSourceAddress: true, sourceKey: "web",
    userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    country: "DE")
let tightContext = IngestContext(
    receivedAt: 1_748_779_200_000_000, transport: .udp, sourceAddress: SourceAddress("203.0.113.77"),
    anonymiseSourceAddress: false, sourceKey: nil,
    limits: IngestLimits(maxEventBytes: 200, maxBatchBytes: 1_000, maxEventsPerBatch: 3, maxDepth: 3))

nonisolated(unsafe) var reused = EventDecoder()
let reusedEvents = RowBuffer(initialCapacity: 256)
let reusedRejected = RowBuffer(table: .rejectedEvents, initialCapacity: 256)

func fail(_ message: String, _ row: ArraySlice<UInt8>) -> Never {
    fatalError("\(message)\n  row: \(String(decoding: row.prefix(600), as: UTF8.self).debugDescription)")
}

/// The columns of one COPY text row (without its newline), checked for COPY's escaping rules.
func columns(of row: ArraySlice<UInt8>, expected: Int) -> [ArraySlice<UInt8>] {
    guard row.last == 0x0A else { fail("row does not end with a newline", row) }
    let body = row.dropLast()
    if body.contains(0x0A) || body.contains(0x0D) { fail("raw CR or LF inside a row", row) }
    if body.contains(0x00) { fail("NUL byte inside a row", row) }
    if String(validating: body, as: UTF8.self) == nil { fail("row is not valid UTF-8", row) }
    let fields = body.split(separator: 0x09, omittingEmptySubsequences: false)
    if fields.count != expected { fail("row has \(fields.count) columns, not \(expected)", row) }
    for field in fields where !field.elementsEqual([0x5C, 0x4E]) {  // \N is NULL
        var i = field.startIndex
        while i < field.endIndex {
            if field[i] == 0x5C {
                let next = field.index(after: i)
                guard next < field.endIndex, [0x5C, 0x6E, 0x72, 0x74].contains(field[next]) else {
                    fail("column holds an escape COPY does not mean", row)
                }
                i = field.index(after: next)
            } else {
                i = field.index(after: i)
            }
        }
    }
    return fields
}

/// What jsonb refuses although JSON allows it: `\u0000` and a `\uD800`–`\uDFFF` escape that is not a proper pair.
func jsonbRefusal(_ json: [UInt8]) -> String? {
    func hex4(_ at: Int) -> UInt32? {
        guard at + 4 <= json.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = json[at + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
    var i = 0
    var inString = false
    while i < json.count {
        let c = json[i]
        if !inString { if c == 0x22 { inString = true }; i += 1; continue }
        if c == 0x22 { inString = false; i += 1; continue }
        if c < 0x20 { return "raw control character in a string" }
        if c != 0x5C { i += 1; continue }
        guard i + 1 < json.count else { return "dangling backslash" }
        if json[i + 1] != 0x75 { i += 2; continue }
        guard let u = hex4(i + 2) else { return "bad \\u escape" }
        if u == 0 { return "\\u0000" }
        if u >= 0xDC00 && u <= 0xDFFF { return "lone low surrogate" }
        if u >= 0xD800 && u <= 0xDBFF {
            guard i + 12 <= json.count, json[i + 6] == 0x5C, json[i + 7] == 0x75, let lo = hex4(i + 8),
                  lo >= 0xDC00 && lo <= 0xDFFF else { return "lone high surrogate" }
            i += 12
            continue
        }
        i += 6
    }
    return inString ? "unterminated string" : nil
}

/// The number tokens outside strings, each replaced by `0` in the returned text. jsonb stores numbers as
/// `numeric` (up to 131,072 digits before the point and 16,383 after), far beyond what
/// JSONSerialization can represent (a Double): a 900-digit integer is valid for PostgreSQL and a parse
/// error for Foundation. So numbers are judged on their own and the structure with them neutralised.
func neutralizingNumbers(_ json: [UInt8]) -> (text: [UInt8], numbers: [ArraySlice<UInt8>]) {
    var text: [UInt8] = [], numbers: [ArraySlice<UInt8>] = []
    var i = 0, inString = false
    while i < json.count {
        let c = json[i]
        if inString {
            text.append(c)
            if c == 0x5C, i + 1 < json.count { text.append(json[i + 1]); i += 2; continue }
            if c == 0x22 { inString = false }
            i += 1
        } else if c == 0x2D || c &- 0x30 < 10 {
            let start = i
            while i < json.count, json[i] == 0x2D || json[i] == 0x2B || json[i] == 0x2E || json[i] | 0x20 == 0x65
                || json[i] &- 0x30 < 10 { i += 1 }
            numbers.append(json[start..<i])
            text.append(0x30)
        } else {
            if c == 0x22 { inString = true }
            text.append(c)
            i += 1
        }
    }
    return (text, numbers)
}

/// Well inside what jsonb's `numeric` accepts: ≤ 1,000 characters and an exponent within ±1,000 put at most
/// ~2,000 digits on either side of the point (the scanner's own limits, checked here independently).
func jsonbNumberProblem(_ number: ArraySlice<UInt8>) -> String? {
    if number.count > 1_000 { return "a number of \(number.count) characters" }
    guard let e = number.firstIndex(where: { $0 | 0x20 == 0x65 }) else { return nil }
    let digits = number[number.index(after: e)...].drop { $0 == 0x2B || $0 == 0x2D || $0 == 0x30 }
    guard digits.count <= 4, Int(String(decoding: digits, as: UTF8.self)) ?? 0 <= 1_000 else {
        return "an exponent beyond ±1000"
    }
    return nil
}

func checkJSONB(_ field: ArraySlice<UInt8>, name: String, row: ArraySlice<UInt8>) {
    if field.elementsEqual([0x5C, 0x4E]) { return }
    let json = unescape(field)
    if let problem = jsonbRefusal(json) { fail("\(name) would be refused by jsonb: \(problem)", row) }
    let (structure, numbers) = neutralizingNumbers(json)
    for number in numbers {
        if let problem = jsonbNumberProblem(number) { fail("\(name) would be refused by jsonb: \(problem)", row) }
    }
    guard let object = try? JSONSerialization.jsonObject(with: Data(structure), options: [.fragmentsAllowed]),
          object is [String: Any] else {
        fail("\(name) is not a JSON object", row)
    }
}

struct Outcome: Equatable {
    var summary: DecodeSummary
    var rejections: [Rejection]
    /// Event rows with `event_id` blanked (a fresh UUIDv7 differs between decoders).
    var rows: [[UInt8]]
    var rejectedRows: [[UInt8]]
}

func rows(of buffer: RowBuffer) -> [ArraySlice<UInt8>] {
    let bytes = buffer.withUnsafeBytes { Array($0) }
    if buffer.rowCount == 0 { check(bytes.isEmpty, "bytes in a buffer without rows"); return [] }
    check(buffer.rowStarts.first == 0, "first row does not start at 0")
    return (0..<buffer.rowCount).map { bytes[buffer.rowRange($0)] }
}

func decodeChecked(_ text: UnsafeRawBufferPointer, context: IngestContext, decoder: inout EventDecoder,
                   events: RowBuffer, rejected: RowBuffer) -> Outcome {
    events.removeAll(keepingCapacity: true)
    rejected.removeAll(keepingCapacity: true)
    let summary = decoder.decode(text, context: context, into: events, rejected: rejected)
    check(summary.accepted == events.rowCount, "accepted \(summary.accepted) ≠ \(events.rowCount) event rows")
    check(summary.rejected == rejected.rowCount, "rejected \(summary.rejected) ≠ \(rejected.rowCount) refused rows")
    check(summary.rejected == decoder.rejections.count, "rejected \(summary.rejected) ≠ \(decoder.rejections.count) rejections")
    check(summary.sanitized <= summary.accepted, "more sanitized events than accepted ones")
    for r in decoder.rejections {
        check(r.rawRange.lowerBound >= 0 && r.rawRange.upperBound <= max(text.count, 0), "raw range \(r.rawRange) outside the text")
    }
    var outcome = Outcome(summary: summary, rejections: decoder.rejections, rows: [], rejectedRows: [])
    for row in rows(of: events) {
        let fields = columns(of: row, expected: eventsColumns)
        checkJSONB(fields[propertiesColumn], name: "properties", row: row)
        checkJSONB(fields[contextColumn], name: "context", row: row)
        var masked = fields
        masked[eventIDColumn] = []
        outcome.rows.append(Array(masked.joined(separator: [0x09])))
    }
    for row in rows(of: rejected) {
        // rejection_id (last) is random for refusals without a sender id, like event_id above.
        var masked = columns(of: row, expected: rejectedColumns)
        masked[masked.count - 1] = []
        outcome.rejectedRows.append(Array(masked.joined(separator: [0x09])))
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = UnsafeRawBufferPointer(start: data, count: size)
    let events = RowBuffer(initialCapacity: 256)
    let rejected = RowBuffer(table: .rejectedEvents, initialCapacity: 256)

    var fresh = EventDecoder()
    let first = decodeChecked(text, context: defaultContext, decoder: &fresh, events: events, rejected: rejected)
    let again = decodeChecked(text, context: defaultContext, decoder: &reused, events: reusedEvents, rejected: reusedRejected)
    if first != again {
        fatalError("a reused decoder differs from a fresh one:\n  fresh:  \(first.summary) \(first.rejections)\n  reused: \(again.summary) \(again.rejections)")
    }
    // The one-pass batch walk must decide exactly as the two-pass walk it gives way to.
    var twoPass = EventDecoder()
    twoPass.testOnly_twoPassOnly = true
    let reference = decodeChecked(text, context: defaultContext, decoder: &twoPass, events: events, rejected: rejected)
    if first != reference {
        fatalError("the one-pass walk differs from the two-pass walk:\n  one pass: \(first.summary) \(first.rejections)\n  two-pass: \(reference.summary) \(reference.rejections)")
    }
    _ = decodeChecked(text, context: tightContext, decoder: &fresh, events: events, rejected: rejected)
    return 0
}

/// `precondition` that keeps its message in release builds (the fuzz targets are built with -O).
@inline(__always)
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "") {
    if !condition() { fatalError(message()) }
}
