/// Helpers over validated JSON string tokens (see `JSONScanner`).
enum JSONString {
    /// Decodes the content of a validated string (escapes resolved) into `dst`, which must hold
    /// `n` bytes (decoding never grows text). `\u0000` and lone surrogates become U+FFFD, because
    /// PostgreSQL text and jsonb refuse both. Returns the decoded byte count.
    static func decode(_ p: UnsafePointer<UInt8>, count n: Int, into dst: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        var o = 0
        @inline(__always) func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 { v = v << 4 | (hexValue(p[at + k]) ?? 0) }
            return v
        }
        @inline(__always) func put(_ scalar: UInt32) {
            if scalar < 0x80 {
                dst[o] = UInt8(scalar); o += 1
            } else if scalar < 0x800 {
                dst[o] = UInt8(0xC0 | scalar >> 6); dst[o + 1] = UInt8(0x80 | scalar & 0x3F); o += 2
            } else if scalar < 0x10000 {
                dst[o] = UInt8(0xE0 | scalar >> 12); dst[o + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
                dst[o + 2] = UInt8(0x80 | scalar & 0x3F); o += 3
            } else {
                dst[o] = UInt8(0xF0 | scalar >> 18); dst[o + 1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
                dst[o + 2] = UInt8(0x80 | (scalar >> 6) & 0x3F); dst[o + 3] = UInt8(0x80 | scalar & 0x3F); o += 4
            }
        }
        while i < n {
            let c = p[i]
            if c != 0x5C { dst[o] = c; o += 1; i += 1; continue }
            let e = p[i + 1]
            i += 2
            switch e {
            case 0x62: dst[o] = 0x08; o += 1
            case 0x66: dst[o] = 0x0C; o += 1
            case 0x6E: dst[o] = 0x0A; o += 1
            case 0x72: dst[o] = 0x0D; o += 1
            case 0x74: dst[o] = 0x09; o += 1
            case 0x75:
                var u = hex4(i)
                i += 4
                if u >= 0xD800 && u <= 0xDBFF, i + 6 <= n, p[i] == 0x5C, p[i + 1] == 0x75 {
                    let lo = hex4(i + 2)
                    if lo >= 0xDC00 && lo <= 0xDFFF {
                        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                        i += 6
                    }
                }
                if u == 0 || (u >= 0xD800 && u <= 0xDFFF) { u = 0xFFFD }
                put(u)
            default: dst[o] = e; o += 1  // \" \\ \/
            }
        }
        return o
    }

    /// Unicode scalars in valid UTF-8 (what PostgreSQL's char_length counts).
    @inline(__always)
    static func characterCount(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var count = 0
        for i in 0..<n where p[i] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Whether `p[0..<n]` is valid UTF-8 without NUL (for text we derived, e.g. percent-decoded URLs).
    static func isValidText(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            let c = p[i]
            if c == 0 { return false }
            if c < 0x80 { i += 1; continue }
            guard let next = utf8SequenceEnd(p, i, n) else { return false }
            i = next
        }
        return true
    }

    static func utf8SequenceEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        let c = p[i]
        @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
        if c >= 0xC2 && c <= 0xDF { return cont(1) ? i + 2 : nil }
        if c >= 0xE0 && c <= 0xEF {
            guard cont(1), cont(2) else { return nil }
            if c == 0xE0 && p[i + 1] < 0xA0 { return nil }
            if c == 0xED && p[i + 1] > 0x9F { return nil }
            return i + 3
        }
        if c >= 0xF0 && c <= 0xF4 {
            guard cont(1), cont(2), cont(3) else { return nil }
            if c == 0xF0 && p[i + 1] < 0x90 { return nil }
            if c == 0xF4 && p[i + 1] > 0x8F { return nil }
            return i + 4
        }
        return nil
    }
}
