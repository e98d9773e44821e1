/// Finds where a JSON value ends by structure alone (brackets and string quotes), without
/// validating its contents. Used to step over a batch element the strict scanner refused, so
/// one bad event does not cost its neighbours, and to find the extent of the `batch` array.
enum JSONSkipper {
    /// Index one past the value starting at `start` (no leading whitespace), or nil when the
    /// value never ends before `end` (then the enclosing text is malformed).
    static func valueEnd(_ base: UnsafePointer<UInt8>, start: Int, end: Int) -> Int? {
        guard start < end else { return nil }
        var i = start
        switch base[i] {
        case 0x7B, 0x5B:
            var depth = 0
            while i < end {
                let c = base[i]
                if c == 0x22 {
                    guard let e = stringEnd(base, start: i, end: end) else { return nil }
                    i = e
                    continue
                }
                if c == 0x7B || c == 0x5B { depth += 1 } else if c == 0x7D || c == 0x5D {
                    depth -= 1
                    if depth == 0 { return i + 1 }
                }
                i += 1
            }
            return nil
        case 0x22:
            return stringEnd(base, start: i, end: end)
        default:
            while i < end {
                let c = base[i]
                if c == 0x2C || c == 0x5D || c == 0x7D || isJSONWhitespace(c) { break }
                i += 1
            }
            return i
        }
    }

    /// Index one past the closing quote of the string whose opening quote is at `start`.
    @inline(__always)
    static func stringEnd(_ base: UnsafePointer<UInt8>, start: Int, end: Int) -> Int? {
        var i = start + 1
        let raw = UnsafeRawPointer(base)
        let (quote, backslash) = (ByteWords.broadcast(0x22), ByteWords.broadcast(0x5C))
        while i < end {
            // Jump to the next '"' or '\\' eight bytes at a time.
            if i + 8 <= end {
                let w = ByteWords.load(raw, i)
                let hit = ByteWords.matches(w, quote) | ByteWords.matches(w, backslash)
                if hit == 0 { i += 8; continue }
                i += hit.trailingZeroBitCount >> 3
            }
            let c = base[i]
            if c == 0x22 { return i + 1 }
            i += c == 0x5C ? 2 : 1
        }
        return nil
    }
}
