// libFuzzer target: eventd's TOML reader (the EventdTOML product of the main package, `TOMLReader.read`).
//
// Input: any bytes, read as UTF-8 text. Every input is read or refused with a `TOMLError` (typed throws:
// nothing else can escape) — never a crash, a trap, a hang or a leak (run.sh runs this target with
// LeakSanitizer on). A refusal is one line at a position inside the text; a document that is read, written
// back as TOML, reads again to the same values.
import EventdTOML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let entries = try TOMLReader.read(text)
        // Written back, tables become inline tables; headers nest deeper than the reader lets those go.
        guard depth(.table(entries)) <= TOMLReader.maximumNesting else { return 0 }
        let written = render(entries)
        do {
            let again = try TOMLReader.read(written)
            check(same(.table(entries), .table(again)), "a document does not read back the same:\n\(written)")
        } catch {
            fatalError("a document written back does not read (\(error)):\n\(written)")
        }
    } catch {
        // Lines as the reader counts them: by LF bytes. (Splitting the String on Character "\n" would miss
        // every CRLF, which Swift takes as one grapheme, and call a valid position "outside the text".)
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
        check(error.line >= 1 && error.line <= lines && error.column >= 1, "position outside the text: \(error)")
        check(!error.message.isEmpty && !error.message.contains("\n") && !error.message.contains("\r"),
              "error is not one line: \(error.message.debugDescription)")
    }
    return 0
}

/// The entries as top-level `"key" = value` lines, tables as inline tables.
func render(_ entries: [TOMLEntry]) -> String {
    entries.map { TOMLString.basic($0.key) + " = " + render($0.node.value) + "\n" }.joined()
}

func render(_ value: TOMLValue) -> String {
    switch value {
    case .table(let entries): "{" + entries.map { TOMLString.basic($0.key) + " = " + render($0.node.value) }.joined(separator: ", ") + "}"
    case .array(let items): "[" + items.map { render($0.value) }.joined(separator: ", ") + "]"
    case .string(let text): TOMLString.basic(text)
    case .integer(let number): String(number)
    case .float(let number): number.isNaN ? "nan" : number.isInfinite ? (number < 0 ? "-inf" : "inf") : floatText(number)
    case .boolean(let value): String(value)
    case .dateTime(let value): value.description
    }
}

/// Swift's shortest round-trip text, with `.0` where it has neither fraction nor exponent (TOML needs one).
func floatText(_ number: Double) -> String {
    let text = "\(number)"
    return text.contains(".") || text.contains("e") ? text : text + ".0"
}

func depth(_ value: TOMLValue) -> Int {
    switch value {
    case .table(let entries): 1 + (entries.map { depth($0.node.value) }.max() ?? 0)
    case .array(let items): 1 + (items.map { depth($0.value) }.max() ?? 0)
    default: 0
    }
}

/// The same values, wherever they stand in the text.
func same(_ a: TOMLValue, _ b: TOMLValue) -> Bool {
    switch (a, b) {
    case (.table(let x), .table(let y)):
        x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && same($0.node.value, $1.node.value) }
    case (.array(let x), .array(let y)):
        x.count == y.count && zip(x, y).allSatisfy { same($0.value, $1.value) }
    default:
        a == b
    }
}

/// `precondition` that keeps its message in release builds (the fuzz targets are built with -O).
@inline(__always)
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "") {
    if !condition() { fatalError(message()) }
}
