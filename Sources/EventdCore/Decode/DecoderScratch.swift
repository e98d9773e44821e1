/// Memory a decoder reuses for every event, so steady state allocates nothing: two slot tables
/// (batch level and event level), a bump area for decoded strings, and per-call constants.
final class DecoderScratch {
    let slotCount = EventSlot.allCases.count

    /// Mutable fields live behind a pointer (see `RowBuffer.State`: class stored `var`s pay a
    /// dynamic exclusivity check per access); the properties below forward to it.
    struct State {
        var eventSlots: UnsafeMutablePointer<JSONValueRef>
        var batchSlots: UnsafeMutablePointer<JSONValueRef>
        var text: UnsafeMutablePointer<UInt8>
        var textCapacity = 64 * 1024
        var textUsed = 0
        var uaCacheNext = 0
        var constants: UnsafeMutablePointer<UInt8>
        var constantsCapacity = 1024
        var receivedAtText = 0..<0
        var transportIPKeyText = 0..<0
        var requestUA = 0..<0
        var requestCountry = 0..<0
        var hasRequestUA = false
        var hasRequestCountry = false
        /// The context the constants were built from (TCP calls repeat it line after line).
        var lastContext: IngestContext?
    }
    let st: UnsafeMutablePointer<State> = .allocate(capacity: 1)
    /// Slots of the event being encoded.
    var eventSlots: UnsafeMutablePointer<JSONValueRef> { get { st.pointee.eventSlots } set { st.pointee.eventSlots = newValue } }
    /// Slots of the enclosing batch object (`sentAt`, `context`), or all absent.
    var batchSlots: UnsafeMutablePointer<JSONValueRef> { get { st.pointee.batchSlots } set { st.pointee.batchSlots = newValue } }

    /// Bump area for decoded (unescaped / percent-decoded) strings of the current event.
    var text: UnsafeMutablePointer<UInt8> { get { st.pointee.text } set { st.pointee.text = newValue } }
    var textCapacity: Int { get { st.pointee.textCapacity } set { st.pointee.textCapacity = newValue } }
    var textUsed: Int { get { st.pointee.textUsed } set { st.pointee.textUsed = newValue } }

    /// Lowercased user agent for the bot check.
    let lowercase = UnsafeMutablePointer<UInt8>.allocate(capacity: 1024)

    /// The last `uaCacheSize` classified user agents of up to `uaCacheEntryBytes` bytes, replaced
    /// round robin: a connection or batch repeats a handful of them, in any order (the benchmark's
    /// mix interleaves five, which a one-entry cache missed ~70 % of the time).
    static let uaCacheSize = 8
    static let uaCacheEntryBytes = 512
    let uaCacheBytes: UnsafeMutablePointer<UInt8> = .allocate(capacity: uaCacheSize * uaCacheEntryBytes)
    /// Byte count of each entry; -1 while empty.
    let uaCacheCounts: UnsafeMutablePointer<Int> = .allocate(capacity: uaCacheSize)
    let uaCacheInfos: UnsafeMutablePointer<UserAgentInfo> = .allocate(capacity: uaCacheSize)
    /// The entry the next miss replaces.
    var uaCacheNext: Int { get { st.pointee.uaCacheNext } set { st.pointee.uaCacheNext = newValue } }

    /// Per-call constant column text: received_at, then "transport\tsource_ip\tsource_key".
    var constants: UnsafeMutablePointer<UInt8> { get { st.pointee.constants } set { st.pointee.constants = newValue } }
    var constantsCapacity: Int { get { st.pointee.constantsCapacity } set { st.pointee.constantsCapacity = newValue } }
    var receivedAtText: Range<Int> { get { st.pointee.receivedAtText } set { st.pointee.receivedAtText = newValue } }
    var transportIPKeyText: Range<Int> { get { st.pointee.transportIPKeyText } set { st.pointee.transportIPKeyText = newValue } }
    var requestUA: Range<Int> { get { st.pointee.requestUA } set { st.pointee.requestUA = newValue } }
    var requestCountry: Range<Int> { get { st.pointee.requestCountry } set { st.pointee.requestCountry = newValue } }
    var hasRequestUA: Bool { get { st.pointee.hasRequestUA } set { st.pointee.hasRequestUA = newValue } }
    var hasRequestCountry: Bool { get { st.pointee.hasRequestCountry } set { st.pointee.hasRequestCountry = newValue } }

    init() {
        let n = EventSlot.allCases.count
        st.initialize(to: State(
            eventSlots: .allocate(capacity: n), batchSlots: .allocate(capacity: n),
            text: .allocate(capacity: 64 * 1024), constants: .allocate(capacity: 1024)))
        st.pointee.eventSlots.initialize(repeating: .absent, count: n)
        st.pointee.batchSlots.initialize(repeating: .absent, count: n)
        uaCacheCounts.initialize(repeating: -1, count: Self.uaCacheSize)
        uaCacheInfos.initialize(
            repeating: UserAgentInfo(browser: nil, os: nil, deviceType: "other", isBot: false), count: Self.uaCacheSize)
    }

    deinit {
        eventSlots.deallocate()
        batchSlots.deallocate()
        text.deallocate()
        lowercase.deallocate()
        uaCacheBytes.deallocate()
        uaCacheCounts.deallocate()
        uaCacheInfos.deallocate()
        constants.deallocate()
        st.deinitialize(count: 1)
        st.deallocate()
    }

    /// Resets a slot table to all-absent (`.absent` is all zero bytes, so this is one memset).
    @inline(__always) func clear(_ slots: UnsafeMutablePointer<JSONValueRef>) {
        UnsafeMutableRawPointer(slots).initializeMemory(
            as: UInt8.self, repeating: 0, count: slotCount * MemoryLayout<JSONValueRef>.stride)
    }

    /// Makes sure an event of `bytes` can decode all its strings (twice over) without growing mid-event.
    @inline(__always) func prepareText(forEventBytes bytes: Int) {
        textUsed = 0
        let needed = 2 * bytes + 4096
        if needed > textCapacity {
            text.deallocate()
            textCapacity = needed
            text = .allocate(capacity: needed)
        }
    }

    /// Reserves `n` bytes of the bump area.
    @inline(__always) func takeText(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(textUsed + n <= textCapacity, "decoder scratch overflow")
        let p = text + textUsed
        textUsed += n
        return p
    }

    /// Fills the per-call constants from the context. Written without nested closures: captured
    /// mutable locals are boxed and exclusivity-checked (seen in callgrind, ~1.5 k instructions/call).
    func prepareConstants(_ c: IngestContext) {
        if let last = st.pointee.lastContext, last.transport == c.transport, last.sourceAddress == c.sourceAddress,
           last.anonymiseSourceAddress == c.anonymiseSourceAddress, last.sourceKey == c.sourceKey,
           last.userAgent == c.userAgent, last.country == c.country {
            // Same connection/request shape: only received_at can differ (measured ~600 instructions saved per call).
            if last.receivedAt != c.receivedAt {
                Timestamp.format(c.receivedAt, into: constants)
                st.pointee.lastContext = c
            }
            return
        }
        st.pointee.lastContext = c
        var w = ConstantsWriter(scratch: self)
        w.ensure(Timestamp.formattedCount)
        Timestamp.format(c.receivedAt, into: constants)
        w.used = Timestamp.formattedCount
        receivedAtText = 0..<w.used

        let start = w.used
        w.put(c.transport.staticText)
        w.put("\t")
        if let a = c.storedSourceAddress {
            w.ensure(SourceAddress.maxFormattedCount)
            w.used += a.format(into: constants + w.used)
        } else { w.put("\\N") }
        w.put("\t")
        if let k = c.sourceKey { w.put(k, escaped: true) } else { w.put("\\N") }
        transportIPKeyText = start..<w.used

        hasRequestUA = c.userAgent != nil
        let uaStart = w.used
        if let ua = c.userAgent { w.put(ua, escaped: false) }
        requestUA = uaStart..<w.used

        hasRequestCountry = false
        let countryStart = w.used
        if let country = c.country, country.utf8.count == 2 {
            let b0 = country.utf8.first!, b1 = country.utf8.last!
            if b0 | 0x20 &- 0x61 < 26, b1 | 0x20 &- 0x61 < 26 {
                w.put(country, escaped: false)
                hasRequestCountry = true
            }
        }
        requestCountry = countryStart..<w.used
    }
}

/// Appends to `DecoderScratch.constants`, growing it when needed.
private struct ConstantsWriter {
    let scratch: DecoderScratch
    var used = 0

    mutating func ensure(_ n: Int) {
        guard used + n > scratch.constantsCapacity else { return }
        let capacity = (used + n) * 2
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.update(from: scratch.constants, count: used)
        scratch.constants.deallocate()
        scratch.constants = bigger
        scratch.constantsCapacity = capacity
    }

    mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int, escaped: Bool) {
        ensure(2 * n)
        let dst = scratch.constants
        for i in 0..<n {
            let b = p[i]
            if escaped, b == 0x5C || b == 0x0A || b == 0x0D || b == 0x09 {
                dst[used] = 0x5C
                dst[used + 1] = b == 0x5C ? 0x5C : b == 0x0A ? 0x6E : b == 0x0D ? 0x72 : 0x74
                used += 2
            } else {
                dst[used] = b
                used += 1
            }
        }
    }

    mutating func put(_ s: String, escaped: Bool) {
        var s = s
        s.withUTF8 { b in if let base = b.baseAddress { put(base, b.count, escaped: escaped) } }
    }

    mutating func put(_ s: StaticString) { put(s.utf8Start, s.utf8CodeUnitCount, escaped: false) }
}
