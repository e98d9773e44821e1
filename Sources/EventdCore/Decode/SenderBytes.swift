/// The sender's own bytes behind a text that an adapter rewrote into eventd's shape (a PostHog,
/// Mixpanel or Snowplow batch, a pixel's query string): what a refused event's `raw` in
/// `analytics.rejected_events` holds instead of the rewriting, so an operator sees — and can
/// replay — exactly what arrived. Built on the vendor paths only; the Segment/native path has none.
public struct SenderBytes: Sendable, Equatable {
    /// The vendor's body (after undoing its transfer encoding: gzip, base64, lz-string), or the query string.
    public var bytes: [UInt8]
    /// Each event's bytes inside `bytes`, by batch position of the rewritten text.
    public var ranges: [Range<Int>]

    public init(bytes: [UInt8], ranges: [Range<Int>]) {
        self.bytes = bytes
        self.ranges = ranges
    }

    /// One event that is the whole of `bytes` (a single-event body, a pixel's query string).
    public init(single bytes: [UInt8]) {
        self.init(bytes: bytes, ranges: [0..<bytes.count])
    }

    /// Events re-serialised one by one (when the sender's own spans cannot be found), joined by newlines.
    public init(elements: [[UInt8]]) {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(elements.count)
        for element in elements {
            if !bytes.isEmpty { bytes.append(0x0A) }
            ranges.append(bytes.count..<bytes.count + element.count)
            bytes.append(contentsOf: element)
        }
        self.init(bytes: bytes, ranges: ranges)
    }

    /// What a refusal at `index` keeps: that event's span, or all of `bytes` for a whole-text
    /// refusal (nil) or a position the adapter did not record.
    public func range(forIndex index: Int?) -> Range<Int> {
        guard let index, index >= 0, index < ranges.count else { return 0..<bytes.count }
        return ranges[index]
    }

    /// The spans of the elements of the JSON array at the top of `bytes`, or — when the top is an
    /// object — of the array held by its first member named one of `members` (`batch`, `data`).
    /// Nil when there is no such array or it is not well-formed (the caller then re-serialises).
    public static func elementRanges(of bytes: [UInt8], members: [String]) -> [Range<Int>]? {
        bytes.withUnsafeBufferPointer { buffer -> [Range<Int>]? in
            guard let base = buffer.baseAddress else { return nil }
            let end = buffer.count
            var i = skipWhitespace(base, 0, end)
            if end - i >= 3, base[i] == 0xEF, base[i + 1] == 0xBB, base[i + 2] == 0xBF { i = skipWhitespace(base, i + 3, end) }
            guard i < end else { return nil }
            if base[i] == 0x5B { return elements(base, start: i, end: end) }
            guard base[i] == 0x7B else { return nil }
            let names = members.map { Array($0.utf8) }
            i = skipWhitespace(base, i + 1, end)
            while i < end, base[i] == 0x22 {
                guard let keyEnd = JSONSkipper.stringEnd(base, start: i, end: end) else { return nil }
                let key = UnsafeBufferPointer(start: base + i + 1, count: keyEnd - i - 2)
                i = skipWhitespace(base, keyEnd, end)
                guard i < end, base[i] == 0x3A else { return nil }
                i = skipWhitespace(base, i + 1, end)
                guard let valueEnd = JSONSkipper.valueEnd(base, start: i, end: end) else { return nil }
                if base[i] == 0x5B, names.contains(where: { $0.elementsEqual(key) }) {
                    return elements(base, start: i, end: valueEnd)
                }
                i = skipWhitespace(base, valueEnd, end)
                guard i < end, base[i] == 0x2C else { return nil }
                i = skipWhitespace(base, i + 1, end)
            }
            return nil
        }
    }

    /// The element spans of the array `base[start] == '['` … `base[end - 1] == ']'`.
    private static func elements(_ base: UnsafePointer<UInt8>, start: Int, end: Int) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var i = skipWhitespace(base, start + 1, end)
        while i < end, base[i] != 0x5D {
            guard let e = JSONSkipper.valueEnd(base, start: i, end: end), e > i else { return nil }
            ranges.append(i..<e)
            i = skipWhitespace(base, e, end)
            guard i < end else { return nil }
            if base[i] == 0x2C { i = skipWhitespace(base, i + 1, end) } else if base[i] != 0x5D { return nil }
        }
        return i < end ? ranges : nil
    }

    @inline(__always)
    private static func skipWhitespace(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i < end, isJSONWhitespace(base[i]) { i += 1 }
        return i
    }
}
