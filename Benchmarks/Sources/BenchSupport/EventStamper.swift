#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends events from an `EventMix` to a byte buffer, patching each copy with a unique id, the
/// current timestamp and the send time. One per sending thread (it keeps a counter and a cache).
public struct EventStamper {
    public let mix: EventMix
    /// High 32 bits of every id: distinct per run and per thread, so ids never collide across runs.
    let stream: UInt32
    var counter: UInt64 = 0
    var next = 0
    /// The ISO-8601 text of `cachedSecond` (`yyyy-mm-ddThh:mm:ss`), refreshed once per second.
    var cachedSecond: Int64 = -1
    var cachedPrefix: [UInt8] = Array(repeating: 0x30, count: 19)

    public init(mix: EventMix, stream: UInt32, startIndex: Int = 0) {
        self.mix = mix
        self.stream = stream
        self.next = startIndex % max(1, mix.templates.count)
    }

    /// Events stamped so far.
    public var stamped: UInt64 { counter }

    /// Appends the next event of the mix, stamped with `nowNs` (ns since the epoch).
    public mutating func append(to out: inout [UInt8], nowNs: Int64) {
        let template = mix.templates[next]
        next += 1
        if next == mix.templates.count { next = 0 }
        counter += 1
        let start = out.count
        out.append(contentsOf: template.bytes)
        let id = counter
        let second = nowNs / 1_000_000_000
        if second != cachedSecond { refreshPrefix(second) }
        let millis = Int((nowNs / 1_000_000) % 1000)
        let stream = self.stream
        let prefix = cachedPrefix
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress! + start
            Self.writeID(base + template.idOffset, stream: stream, counter: id)
            let ts = base + template.timestampOffset
            if template.timestampIsEpochMillis {
                Self.writeDecimal(ts, UInt64(nowNs / 1_000_000), width: 13)
            } else {
                for i in 0..<19 { ts[i] = prefix[i] }
                ts[19] = 0x2E
                ts[20] = UInt8(0x30 + millis / 100)
                ts[21] = UInt8(0x30 + (millis / 10) % 10)
                ts[22] = UInt8(0x30 + millis % 10)
                ts[23] = 0x5A
            }
            if let sent = template.sentNsOffset { Self.writeDecimal19(base + sent, UInt64(nowNs)) }
        }
    }

    /// `SSSSSSSS-CCCC-4CCC-8CCC-CCCCCCCCCCCC`: stream in the first group, the counter in the rest,
    /// version 4 and variant bits fixed, so the daemon stores it as the event_id verbatim.
    static func writeID(_ p: UnsafeMutablePointer<UInt8>, stream: UInt32, counter: UInt64) {
        let hex: StaticString = "0123456789abcdef"
        let digits = hex.utf8Start
        var s = stream
        for i in stride(from: 7, through: 0, by: -1) { p[i] = digits[Int(s & 0xF)]; s >>= 4 }
        // 22 counter nibbles go into the 4-3-3-12 free positions, least significant last.
        var c = counter
        let positions = [9, 10, 11, 12, 15, 16, 17, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35]
        for position in positions.reversed() { p[position] = digits[Int(c & 0xF)]; c >>= 4 }
        p[14] = 0x34
        p[19] = 0x38
    }

    static func writeDecimal19(_ p: UnsafeMutablePointer<UInt8>, _ value: UInt64) { writeDecimal(p, value, width: 19) }

    static func writeDecimal(_ p: UnsafeMutablePointer<UInt8>, _ value: UInt64, width: Int) {
        var v = value
        for i in stride(from: width - 1, through: 0, by: -1) { p[i] = UInt8(0x30 + v % 10); v /= 10 }
    }

    /// Appends `nowNs` as ISO-8601 with milliseconds (a batch's `sent_at`).
    public mutating func appendISO8601(_ nowNs: Int64, to out: inout [UInt8]) {
        let second = nowNs / 1_000_000_000
        if second != cachedSecond { refreshPrefix(second) }
        let millis = Int((nowNs / 1_000_000) % 1000)
        out.append(contentsOf: cachedPrefix)
        out.append(contentsOf: [0x2E, UInt8(0x30 + millis / 100), UInt8(0x30 + (millis / 10) % 10), UInt8(0x30 + millis % 10), 0x5A])
    }

    mutating func refreshPrefix(_ second: Int64) {
        cachedSecond = second
        var t = time_t(second)
        var parts = tm()
        gmtime_r(&t, &parts)
        func put(_ at: Int, _ value: Int32, _ width: Int) {
            var v = value
            for i in stride(from: at + width - 1, through: at, by: -1) { cachedPrefix[i] = UInt8(0x30 + v % 10); v /= 10 }
        }
        put(0, parts.tm_year + 1900, 4); cachedPrefix[4] = 0x2D
        put(5, parts.tm_mon + 1, 2); cachedPrefix[7] = 0x2D
        put(8, parts.tm_mday, 2); cachedPrefix[10] = 0x54
        put(11, parts.tm_hour, 2); cachedPrefix[13] = 0x3A
        put(14, parts.tm_min, 2); cachedPrefix[16] = 0x3A
        put(17, parts.tm_sec, 2)
    }
}

/// Wall-clock time in ns since the epoch (the clock PostgreSQL's `now()` also reads).
public func wallClockNs() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}

/// Monotonic time in ns (for pacing and elapsed times).
public func monotonicNs() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}
