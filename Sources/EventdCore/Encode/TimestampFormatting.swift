extension Timestamp {
    /// Bytes written by `format` (always exactly this many): `YYYY-MM-DD HH:MM:SS.ffffff+00`.
    public static let formattedCount = 29

    /// Writes `micros` as PostgreSQL timestamptz text in UTC, `YYYY-MM-DD HH:MM:SS.ffffff+00`.
    /// Precondition: `minMicros...maxMicros` (the decoder guarantees it). Always 29 bytes; no Foundation.
    @inline(__always)
    public static func format(_ micros: Int64, into out: UnsafeMutablePointer<UInt8>) {
        let floorDiv = micros >= 0 ? micros / microsPerDay : (micros - (microsPerDay - 1)) / microsPerDay
        let rem = micros - floorDiv * microsPerDay  // 0 ..< microsPerDay
        let (y, m, d) = civilFromDays(floorDiv)
        let secOfDay = rem / microsPerSecond
        let frac = rem - secOfDay * microsPerSecond
        @inline(__always) func put2(_ v: Int64, _ at: Int) {
            out[at] = UInt8(truncatingIfNeeded: 48 + v / 10)
            out[at + 1] = UInt8(truncatingIfNeeded: 48 + v % 10)
        }
        put2(y / 100, 0); put2(y % 100, 2); out[4] = 0x2D
        put2(m, 5); out[7] = 0x2D; put2(d, 8); out[10] = 0x20
        put2(secOfDay / 3600, 11); out[13] = 0x3A
        put2((secOfDay / 60) % 60, 14); out[16] = 0x3A
        put2(secOfDay % 60, 17); out[19] = 0x2E
        put2(frac / 10_000, 20); put2((frac / 100) % 100, 22); put2(frac % 100, 24)
        out[26] = 0x2B; out[27] = 0x30; out[28] = 0x30
    }

    /// `format` into a String (tests, logs; not the hot path).
    public static func formatted(_ micros: Int64) -> String {
        String(unsafeUninitializedCapacity: formattedCount) { buf in
            format(micros, into: buf.baseAddress!)
            return formattedCount
        }
    }
}
