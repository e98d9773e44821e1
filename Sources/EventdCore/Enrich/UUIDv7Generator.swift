/// Generates time-ordered UUIDv7 ids (RFC 9562) for events that arrive without an id.
///
/// Layout: 48-bit Unix ms | version 7 | 12-bit counter | variant | 62 random bits. The counter
/// (RFC 9562 §6.2 method 1) starts at a random value below 2048 each new millisecond and counts
/// up within it, so ids are strictly increasing per generator even at >4k ids/ms (on overflow the
/// timestamp borrows the next millisecond). No locks and no atomics: each decoder owns its
/// generator (one per connection/worker); ids from different generators stay unique by their
/// random bits. Randomness comes from a wyrand stream seeded once from the system RNG, because
/// `SystemRandomNumberGenerator` is a getrandom(2) syscall per call.
public struct UUIDv7Generator: Sendable {
    private var lastMillis: Int64 = .min
    private var counter: UInt64 = 0
    private var rngState: UInt64

    public init() {
        var system = SystemRandomNumberGenerator()
        rngState = system.next()
    }

    /// A generator with a fixed seed (tests).
    public init(testOnly_seed seed: UInt64) { rngState = seed }

    @inline(__always)
    private mutating func random() -> UInt64 {
        // wyrand: tiny, fast, passes BigCrush; fine for the random tail of ids (not for secrets).
        rngState &+= 0xA076_1D64_78BD_642F
        let m = rngState.multipliedFullWidth(by: rngState ^ 0xE703_7ED1_A0B4_28DB)
        return m.high ^ m.low
    }

    /// The next id for an event received at `nowMicros` (µs since the epoch).
    @inline(__always)
    public mutating func next(nowMicros: Int64) -> EventUUID {
        let now = nowMicros >= 0 ? nowMicros / 1000 : 0
        let r = random()
        if now > lastMillis {
            lastMillis = now
            counter = r >> 53  // 11 random bits: leaves ≥ 2048 steps before the 12-bit counter overflows
        } else {
            counter += 1
            if counter > 0xFFF {
                lastMillis += 1
                counter = 0
            }
        }
        let hi = UInt64(truncatingIfNeeded: lastMillis) << 16 | 0x7000 | counter
        return EventUUID(hi: hi, lo: (r & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }
}
