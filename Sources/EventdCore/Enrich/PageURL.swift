/// Pulls the path and the campaign parameters out of a page URL without Foundation's URL
/// (which allocates and is slow): we only need byte ranges of the path and of a few query values.
enum PageURL {
    /// Query parameters we turn into columns, in `Field` order.
    enum Field: Int, CaseIterable {
        case utmSource, utmMedium, utmCampaign, utmTerm, utmContent, clickID
    }

    /// The path of an absolute (`scheme://host/path?...`) or relative (`/path?...`) URL, as a range
    /// of `p[0..<n]`; nil when there is none.
    static func path(_ p: UnsafePointer<UInt8>, _ n: Int) -> Range<Int>? {
        var i = 0
        // Skip "scheme://authority".
        var k = 0
        while k + 2 < n, p[k] != 0x2F, p[k] != 0x3F, p[k] != 0x23 {
            if p[k] == 0x3A, p[k + 1] == 0x2F, p[k + 2] == 0x2F {
                i = firstOf(p, k + 3, n, 0x2F, 0x3F, 0x23)
                break
            }
            k += 1
        }
        guard i < n, p[i] == 0x2F else { return nil }
        return i..<firstOf(p, i, n, 0x3F, 0x23, 0x23)
    }

    /// Ranges of the raw (still percent-encoded) values of the utm_* and click-id parameters.
    /// First occurrence wins. Click ids: gclid, gbraid, wbraid, fbclid, msclkid, ttclid, twclid, li_fat_id.
    static func queryFields(
        _ p: UnsafePointer<UInt8>, _ n: Int, into out: inout (Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?)
    ) {
        let q = firstOf(p, 0, n, 0x3F, 0x23, 0x23)
        guard q < n, p[q] == 0x3F else { return }
        var i = q + 1
        while i < n, p[i] != 0x23 {
            let keyStart = i
            i = firstOf(p, i, n, 0x3D, 0x26, 0x23)
            let keyEnd = i
            var valueStart = i, valueEnd = i
            if i < n, p[i] == 0x3D {
                i += 1
                valueStart = i
                i = firstOf(p, i, n, 0x26, 0x23, 0x23)
                valueEnd = i
            }
            if let f = field(p + keyStart, keyEnd - keyStart), valueEnd > valueStart {
                let r = valueStart..<valueEnd
                switch f {
                case .utmSource: if out.0 == nil { out.0 = r }
                case .utmMedium: if out.1 == nil { out.1 = r }
                case .utmCampaign: if out.2 == nil { out.2 = r }
                case .utmTerm: if out.3 == nil { out.3 = r }
                case .utmContent: if out.4 == nil { out.4 = r }
                case .clickID: if out.5 == nil { out.5 = r }
                }
            }
            if i < n, p[i] == 0x26 { i += 1 }
        }
    }

    /// The index of the first of `a`, `b`, `c` in `p[i..<n]`, else `n`. Measured: looking 8 bytes at a
    /// time (`ByteWords`) took `queryFields` from ~0.8 k to ~0.35 k instructions per event of the
    /// benchmark's mix; URLs run 30–130 bytes between delimiters.
    @inline(__always)
    static func firstOf(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        var i = i
        let raw = UnsafeRawPointer(p)
        let (wa, wb, wc) = (ByteWords.broadcast(a), ByteWords.broadcast(b), ByteWords.broadcast(c))
        while i + 8 <= n {
            let w = ByteWords.load(raw, i)
            let hit = ByteWords.matches(w, wa) | ByteWords.matches(w, wb) | ByteWords.matches(w, wc)
            if hit != 0 { return i + hit.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < n, p[i] != a, p[i] != b, p[i] != c { i += 1 }
        return i
    }

    @inline(__always)
    static func field(_ p: UnsafePointer<UInt8>, _ n: Int) -> Field? {
        @inline(__always) func eq(_ s: StaticString) -> Bool { s.utf8CodeUnitCount == n && memcmpEqual(p, s.utf8Start, n) }
        if n >= 7, p[0] == 0x75, p[3] == 0x5F {  // "utm_"
            if eq("utm_source") { return .utmSource }
            if eq("utm_medium") { return .utmMedium }
            if eq("utm_campaign") { return .utmCampaign }
            if eq("utm_term") { return .utmTerm }
            if eq("utm_content") { return .utmContent }
            return nil
        }
        if eq("gclid") || eq("fbclid") || eq("msclkid") || eq("gbraid") || eq("wbraid") || eq("ttclid")
            || eq("twclid") || eq("li_fat_id")
        {
            return .clickID
        }
        return nil
    }

    /// Percent-decodes `p[0..<n]` (`+` as space) into `dst` (n bytes). Returns the decoded length,
    /// or nil when the result is not valid UTF-8 text (then callers keep the raw value).
    static func percentDecode(_ p: UnsafePointer<UInt8>, _ n: Int, into dst: UnsafeMutablePointer<UInt8>) -> Int? {
        var i = 0, o = 0
        while i < n {
            let c = p[i]
            if c == 0x25, i + 2 < n, let h = hexValue(p[i + 1]), let l = hexValue(p[i + 2]) {
                dst[o] = UInt8(h << 4 | l); i += 3
            } else {
                dst[o] = c == 0x2B ? 0x20 : c; i += 1
            }
            o += 1
        }
        return JSONString.isValidText(dst, o) ? o : nil
    }
}
