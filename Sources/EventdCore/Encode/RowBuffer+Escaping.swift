/// COPY text-format escaping (PostgreSQL docs, "COPY … Text Format"): inside a column, backslash,
/// newline, carriage return and tab (our delimiter) must be written as `\\`, `\n`, `\r`, `\t`.
/// Other bytes pass through; NUL never reaches here (JSON forbids raw control characters and the
/// decoder rewrites `\u0000`).
extension RowBuffer {
    /// Appends `p[0..<n]` COPY-escaped. Measured: the 8-bytes-at-a-time (SWAR) check for bytes
    /// that need escaping took jsonb copying from ~10 to ~2 instructions per byte; escapes are rare.
    @inline(__always)
    func appendEscaped(_ p: UnsafePointer<UInt8>, _ n: Int) {
        let dst = reserve(2 * n)
        var o = 0
        var i = 0
        while i < n {
            Self.copyPlainWords(p, &i, n, dst, &o)
            if Self.copyPlainTail(p, &i, n, dst, &o) { break }
            let stop = min(i + 8, n)
            while i < stop {
                let c = p[i]
                i += 1
                if c > 0x5C || (c != 0x5C && c > 0x0D) {
                    dst[o] = c; o += 1
                    continue
                }
                switch c {
                case 0x5C: dst[o] = 0x5C; dst[o + 1] = 0x5C; o += 2
                case 0x0A: dst[o] = 0x5C; dst[o + 1] = 0x6E; o += 2
                case 0x0D: dst[o] = 0x5C; dst[o + 1] = 0x72; o += 2
                case 0x09: dst[o] = 0x5C; dst[o + 1] = 0x74; o += 2
                default: dst[o] = c; o += 1
                }
            }
        }
        advance(o)
    }

    /// Copies 8-byte words of `p[i..<n]` to `out + o` while a word holds no byte below 0x0E (covers
    /// `\t` `\n` `\r`) and no backslash: plain runs, the bulk of every row, in both directions of
    /// COPY text escaping (`appendEscaped`, `appendUnescapedField`). Stops at the first word that is not.
    @inline(__always)
    static func copyPlainWords(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ out: UnsafeMutablePointer<UInt8>, _ o: inout Int) {
        let raw = UnsafeRawPointer(p)
        let dst = UnsafeMutableRawPointer(out)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let x = w ^ (ones &* 0x5C)
            if ((w &- ones &* 0x0E) & ~w | (x &- ones) & ~x) & highs != 0 { return }
            dst.storeBytes(of: w, toByteOffset: o, as: UInt64.self)
            i += 8
            o += 8
        }
    }

    /// After `copyPlainWords`, when fewer than 8 bytes are left of at least 8: the last 8 bytes as one
    /// word. When it is plain too, its bytes before the tail were copied one for one (none needed
    /// escaping), so the word is stored again ending where the tail ends, and the text is done
    /// (true). Measured (callgrind, the benchmark's mix): ~90 instructions per event fewer than
    /// finishing short columns byte by byte at ~8 instructions a byte.
    @inline(__always)
    static func copyPlainTail(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ out: UnsafeMutablePointer<UInt8>, _ o: inout Int) -> Bool {
        guard n >= 8, n - i < 8, i < n else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let w = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        let x = w ^ (ones &* 0x5C)
        if ((w &- ones &* 0x0E) & ~w | (x &- ones) & ~x) & (ones &* 0x80) != 0 { return false }
        let back = 8 - (n - i)
        UnsafeMutableRawPointer(out).storeBytes(of: w, toByteOffset: o - back, as: UInt64.self)
        o += n - i
        i = n
        return true
    }

    /// Appends validated JSON text as a jsonb column: COPY-escaped, and when `sanitize` is set,
    /// with every `\u0000` and lone surrogate escape rewritten to `\ufffd` (jsonb refuses them;
    /// same length, so the event still lands). `p[0..<n]` must start outside a string.
    @inline(__always)
    func appendJSONB(_ p: UnsafePointer<UInt8>, _ n: Int, sanitize: Bool) {
        if !sanitize { appendEscaped(p, n); return }
        appendSanitizedJSON(p, n)
    }

    @inline(never)
    private func appendSanitizedJSON(_ p: UnsafePointer<UInt8>, _ n: Int) {
        var i = 0
        var runStart = 0
        var inString = false
        @inline(__always) func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= n else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                guard let h = hexValue(p[at + k]) else { return nil }
                v = v << 4 | h
            }
            return v
        }
        let replacement: StaticString = "\\\\ufffd"  // COPY-escaped "\ufffd"
        while i < n {
            let c = p[i]
            if c == 0x22 { inString.toggle(); i += 1; continue }
            guard inString, c == 0x5C else { i += 1; continue }
            if p[i + 1] != 0x75 { i += 2; continue }
            guard let u = hex4(i + 2) else { i += 2; continue }
            var bad = u == 0 || (u >= 0xDC00 && u <= 0xDFFF)
            var length = 6
            if u >= 0xD800 && u <= 0xDBFF {
                if i + 12 <= n, p[i + 6] == 0x5C, p[i + 7] == 0x75, let lo = hex4(i + 8), lo >= 0xDC00, lo <= 0xDFFF {
                    length = 12
                } else {
                    bad = true
                }
            }
            if bad {
                appendEscaped(p + runStart, i - runStart)
                append(replacement)
                runStart = i + 6
            }
            i += length
        }
        appendEscaped(p + runStart, n - runStart)
    }

    /// Appends bytes as a bytea column in hex form (`\\x…` once COPY-escaped).
    /// - Returns: where the hex digits start (two per byte), valid until the next append.
    @discardableResult
    func appendByteaHex(_ p: UnsafePointer<UInt8>, _ n: Int) -> UnsafeMutablePointer<UInt8> {
        let hex: StaticString = "0123456789abcdef"
        let h = hex.utf8Start
        let dst = reserve(3 + 2 * n)
        dst[0] = 0x5C; dst[1] = 0x5C; dst[2] = 0x78
        for i in 0..<n {
            dst[3 + 2 * i] = h[Int(p[i] >> 4)]
            dst[4 + 2 * i] = h[Int(p[i] & 0xF)]
        }
        advance(3 + 2 * n)
        return dst + 3
    }

    /// Appends a non-negative decimal integer.
    func appendDecimal(_ v: Int) {
        var v = v
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &tmp) { t in
            var k = 24
            repeat {
                k -= 1
                t[k] = UInt8(48 + v % 10)
                v /= 10
            } while v > 0 && k > 0
            append(t.baseAddress!.assumingMemoryBound(to: UInt8.self) + k, 24 - k)
        }
    }

    /// Appends a Swift String COPY-escaped (per-call constants and the refusal path only).
    func appendEscaped(_ s: String) {
        var s = s
        s.withUTF8 { b in if let base = b.baseAddress { appendEscaped(base, b.count) } }
    }
}
