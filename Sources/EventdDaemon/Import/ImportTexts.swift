/// Cuts an input into the JSON texts the decoder takes: NDJSON lines as they stream in, or — for a
/// file whose first byte (after white space) is `[` — the elements of its top-level array, so a
/// year-long export in one array is decoded event by event rather than as one giant batch.
struct ImportTexts {
    enum Format { case unknown, lines, array }

    private(set) var format = Format.unknown
    /// Bytes not yet cut into texts.
    private var carry: [UInt8] = []
    /// Lines (NDJSON) or elements (array) handed out so far: what refusals report.
    private(set) var position = 0
    // Array state, kept across chunks.
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var elementStart: Int?
    private var scanned = 0
    private var arrayClosed = false

    /// Feeds more bytes; calls `body` with each complete text and its 1-based line or element number.
    mutating func feed(_ bytes: [UInt8], atEnd: Bool, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        carry += bytes
        if format == .unknown {
            guard let first = carry.firstIndex(where: { !Self.isSpace($0) }) else {
                if atEnd { carry = [] }
                return
            }
            format = carry[first] == UInt8(ascii: "[") ? .array : .lines
        }
        switch format {
        case .lines: try cutLines(atEnd: atEnd, body)
        case .array: try cutElements(atEnd: atEnd, body)
        case .unknown: break
        }
    }

    /// Whether the input ended inside an array (a truncated file).
    var endedInsideArray: Bool { format == .array && !arrayClosed }

    private mutating func cutLines(atEnd: Bool, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        var start = 0
        try carry.withUnsafeBytes { bytes in
            while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                position += 1
                try emitLine(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), body)
                start = newline + 1
            }
            if atEnd, start < bytes.count {
                position += 1
                try emitLine(UnsafeRawBufferPointer(rebasing: bytes[start...]), body)
                start = bytes.count
            }
        }
        carry.removeFirst(start)
    }

    private func emitLine(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        var end = line.count
        if end > 0, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let text = UnsafeRawBufferPointer(rebasing: line[..<end])
        if text.contains(where: { !Self.isSpace($0) }) { try body(text, position) }
    }

    /// A small scanner for the top-level array: depth and string state only, the decoder checks the rest.
    /// `scanned` bytes of `carry` are behind the scanner; an unfinished element stays in `carry`.
    private mutating func cutElements(atEnd: Bool, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        try carry.withUnsafeBytes { bytes in
            var index = scanned
            while index < bytes.count, !arrayClosed {
                let byte = bytes[index]
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                    if depth == 1, elementStart == nil { elementStart = index }
                } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    depth += 1
                    if depth == 2, elementStart == nil { elementStart = index }
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 {
                        try emitElement(bytes, upTo: index, body)
                        arrayClosed = true
                    }
                } else if byte == UInt8(ascii: ","), depth == 1 {
                    try emitElement(bytes, upTo: index, body)
                } else if depth == 1, elementStart == nil, !Self.isSpace(byte) {
                    elementStart = index  // a bare scalar element: the decoder refuses it with a reason
                }
                index += 1
            }
            scanned = index
        }
        // What is behind the scanner and not part of an unfinished element is done with.
        let drop = arrayClosed || atEnd ? carry.count : (elementStart ?? scanned)
        carry.removeFirst(drop)
        scanned -= drop
        elementStart = elementStart.map { $0 - drop }
    }

    private mutating func emitElement(_ bytes: UnsafeRawBufferPointer, upTo end: Int,
                                      _ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        guard let start = elementStart else { return }
        elementStart = nil
        position += 1
        var last = end
        while last > start, Self.isSpace(bytes[last - 1]) { last -= 1 }
        try body(UnsafeRawBufferPointer(rebasing: bytes[start..<last]), position)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
