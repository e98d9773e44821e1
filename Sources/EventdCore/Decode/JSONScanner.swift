/// A strict, allocation-free JSON validator over bytes in place (RFC 8259 + jsonb's limits).
/// It never builds a DOM: callers walk objects member by member and keep `JSONValueRef`s.
///
/// Checks: grammar, UTF-8 (no overlongs, no encoded surrogates, ≤ U+10FFFF), control characters in
/// strings, escape syntax, nesting depth, and numbers jsonb can store (|exponent| ≤ 1000, ≤ 1000 chars).
/// Flags `\u0000` and lone surrogate escapes (jsonb refuses them) so the encoder can rewrite them.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    /// One past the last byte this scanner may read.
    let end: Int
    var pos: Int
    let maxDepth: Int

    init(base: UnsafePointer<UInt8>, start: Int, end: Int, maxDepth: Int) {
        self.base = base
        self.pos = start
        self.end = end
        self.maxDepth = maxDepth
    }

    @inline(__always) var atEnd: Bool { pos >= end }
    @inline(__always) var current: UInt8 { base[pos] }

    @inline(__always) mutating func skipWhitespace() {
        while pos < end {
            guard isJSONWhitespace(base[pos]) else { return }
            pos += 1
        }
    }

    /// Consumes `c` after optional whitespace, or fails.
    @inline(__always) mutating func expect(_ c: UInt8) throws(ScanFailure) {
        skipWhitespace()
        guard pos < end, base[pos] == c else { throw .malformed }
        pos += 1
    }

    /// Scans any value starting at `pos` (no leading whitespace). `depth` is the depth a container
    /// found here would have.
    mutating func scanValue(depth: Int) throws(ScanFailure) -> JSONValueRef {
        guard pos < end else { throw .malformed }
        let start = pos
        var flags: UInt8 = 0
        let kind: JSONKind
        switch base[pos] {
        case 0x22:
            flags = try scanString()
            kind = .string
        case 0x7B:
            flags = try scanObject(depth: depth)
            kind = .object
        case 0x5B:
            flags = try scanArray(depth: depth)
            kind = .array
        case 0x74: try literal(0x74_72_75_65, 4); kind = .bool  // true
        case 0x66:  // false
            try literal(0x66_61_6C_73, 4)
            guard pos < end, base[pos] == 0x65 else { throw .malformed }
            pos += 1
            kind = .bool
        case 0x6E: try literal(0x6E_75_6C_6C, 4); kind = .null  // null
        default:
            try scanNumber()
            kind = .number
        }
        return JSONValueRef(start: Int32(start), end: Int32(pos), kind: kind, flags: flags)
    }

    @inline(__always) private mutating func literal(_ bigEndian: UInt32, _ n: Int) throws(ScanFailure) {
        guard pos + n <= end else { throw .malformed }
        let word = UInt32(base[pos]) << 24 | UInt32(base[pos + 1]) << 16 | UInt32(base[pos + 2]) << 8 | UInt32(base[pos + 3])
        guard word == bigEndian else { throw .malformed }
        pos += n
    }

    /// Generic object scan (no key recording). Returns sanitising flags of the contents.
    mutating func scanObject(depth: Int) throws(ScanFailure) -> UInt8 {
        guard depth <= maxDepth else { throw .tooDeep }
        pos += 1  // {
        skipWhitespace()
        var flags: UInt8 = 0
        if pos < end, base[pos] == 0x7D { pos += 1; return 0 }
        while true {
            guard pos < end, base[pos] == 0x22 else { throw .malformed }
            flags |= try scanString()
            try expect(0x3A)
            skipWhitespace()
            flags |= try scanValue(depth: depth + 1).flags
            skipWhitespace()
            guard pos < end else { throw .malformed }
            let c = base[pos]
            pos += 1
            if c == 0x2C { skipWhitespace(); continue }
            if c == 0x7D { return flags & JSONValueRef.needsSanitizing }
            throw .malformed
        }
    }

    mutating func scanArray(depth: Int) throws(ScanFailure) -> UInt8 {
        guard depth <= maxDepth else { throw .tooDeep }
        pos += 1  // [
        skipWhitespace()
        var flags: UInt8 = 0
        if pos < end, base[pos] == 0x5D { pos += 1; return 0 }
        while true {
            flags |= try scanValue(depth: depth + 1).flags
            skipWhitespace()
            guard pos < end else { throw .malformed }
            let c = base[pos]
            pos += 1
            if c == 0x2C { skipWhitespace(); continue }
            if c == 0x5D { return flags & JSONValueRef.needsSanitizing }
            throw .malformed
        }
    }

    /// Scans a string at `pos` (on the opening quote). Returns `hasEscapes`/`needsSanitizing` flags.
    /// Measured: finding the next special byte ('"', '\\', control, non-ASCII) 8 bytes at a time
    /// (SWAR, then trailingZeroBitCount to jump straight to it) cut string scanning from ~8 to ~2
    /// instructions per byte; most keys and values end inside their first word.
    @inline(__always)
    mutating func scanString() throws(ScanFailure) -> UInt8 {
        var i = pos + 1
        var flags: UInt8 = 0
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while true {
            if i + 8 <= end {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let q = w ^ (ones &* 0x22)
                let b = w ^ (ones &* 0x5C)
                // "Has a byte < n" / "has a zero byte" tests. The lowest flagged byte is always a true
                // hit (borrows only run upwards), so we can jump to it; bytes ≥ 0x80 flag themselves.
                let special = (((w &- ones &* 0x20) & ~w) | ((q &- ones) & ~q) | ((b &- ones) & ~b) | w) & highs
                if special == 0 { i += 8; continue }
                i += special.trailingZeroBitCount >> 3
            } else if i >= end {
                throw .malformed
            }
            let c = base[i]
            if c == 0x22 { pos = i + 1; return flags }
            if c == 0x5C {
                flags |= JSONValueRef.hasEscapes
                i = try scanEscape(at: i, flags: &flags)
            } else if c < 0x20 {
                throw .malformed
            } else if c < 0x80 {
                i += 1
            } else {
                i = try validateUTF8Sequence(at: i)
            }
        }
    }

    /// Validates one escape at `i` (on the backslash); returns the index after it.
    @inline(__always)
    private func scanEscape(at i: Int, flags: inout UInt8) throws(ScanFailure) -> Int {
        guard i + 1 < end else { throw .malformed }
        switch base[i + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: return i + 2
        case 0x75:
            guard let u = hex4(at: i + 2) else { throw .malformed }
            if u == 0 { flags |= JSONValueRef.needsSanitizing; return i + 6 }
            if u >= 0xD800 && u <= 0xDBFF {
                // A high surrogate is fine only when a low surrogate escape follows.
                if i + 12 <= end, base[i + 6] == 0x5C, base[i + 7] == 0x75, let lo = hex4(at: i + 8),
                   lo >= 0xDC00, lo <= 0xDFFF {
                    return i + 12
                }
                flags |= JSONValueRef.needsSanitizing
                return i + 6
            }
            if u >= 0xDC00 && u <= 0xDFFF { flags |= JSONValueRef.needsSanitizing }
            return i + 6
        default:
            throw .malformed
        }
    }

    @inline(__always)
    func hex4(at i: Int) -> UInt32? {
        guard i + 4 <= end else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let h = hexValue(base[i + k]) else { return nil }
            v = v << 4 | h
        }
        return v
    }

    /// Validates a multi-byte UTF-8 sequence starting at `i`; returns the index after it.
    @inline(__always)
    private func validateUTF8Sequence(at i: Int) throws(ScanFailure) -> Int {
        let c = base[i]
        @inline(__always) func cont(_ k: Int) -> Bool { i + k < end && base[i + k] & 0xC0 == 0x80 }
        if c >= 0xC2 && c <= 0xDF {
            guard cont(1) else { throw .invalidUTF8 }
            return i + 2
        }
        if c >= 0xE0 && c <= 0xEF {
            guard cont(1), cont(2) else { throw .invalidUTF8 }
            let c1 = base[i + 1]
            if c == 0xE0 && c1 < 0xA0 { throw .invalidUTF8 }  // overlong
            if c == 0xED && c1 > 0x9F { throw .invalidUTF8 }  // UTF-16 surrogates
            return i + 3
        }
        if c >= 0xF0 && c <= 0xF4 {
            guard cont(1), cont(2), cont(3) else { throw .invalidUTF8 }
            let c1 = base[i + 1]
            if c == 0xF0 && c1 < 0x90 { throw .invalidUTF8 }  // overlong
            if c == 0xF4 && c1 > 0x8F { throw .invalidUTF8 }  // > U+10FFFF
            return i + 4
        }
        throw .invalidUTF8
    }

    /// Numbers: RFC 8259 grammar, plus jsonb's limits (exponent within ±1000, token ≤ 1000 chars).
    private mutating func scanNumber() throws(ScanFailure) {
        var i = pos
        @inline(__always) func isDigit(_ i: Int) -> Bool { i < end && base[i] &- 0x30 < 10 }
        if i < end, base[i] == 0x2D { i += 1 }
        guard isDigit(i) else { throw .malformed }
        if base[i] == 0x30 { i += 1 } else { while isDigit(i) { i += 1 } }
        if i < end, base[i] == 0x2E {
            i += 1
            guard isDigit(i) else { throw .malformed }
            while isDigit(i) { i += 1 }
        }
        if i < end, base[i] | 0x20 == 0x65 {
            i += 1
            if i < end, base[i] == 0x2B || base[i] == 0x2D { i += 1 }
            guard isDigit(i) else { throw .malformed }
            var exponent = 0
            while isDigit(i) {
                if exponent <= 100_000 { exponent = exponent * 10 + Int(base[i] &- 0x30) }
                i += 1
            }
            if exponent > 1000 { throw .invalidNumber }
        }
        if i - pos > 1000 { throw .invalidNumber }
        pos = i
    }
}

@inline(__always)
func hexValue(_ c: UInt8) -> UInt32? {
    if c &- 0x30 < 10 { return UInt32(c &- 0x30) }
    let l = c | 0x20
    if l &- 0x61 < 6 { return UInt32(l &- 0x61 + 10) }
    return nil
}

/// JSON's four whitespace bytes: space, tab, LF, CR. One comparison turns away every byte above
/// 0x20 — nearly every byte asked about in compact JSON — before a bit test picks the four out of
/// the control bytes.
@inline(__always)
func isJSONWhitespace(_ c: UInt8) -> Bool {
    c <= 0x20 && (UInt64(0x1_0000_2600) &>> UInt64(c)) & 1 != 0
}
