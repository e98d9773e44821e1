/// Eight bytes at a time (SWAR): the "which bytes of this word equal b" test that the scanners use to
/// jump to the next byte of interest instead of looking at every byte (`JSONSkipper.stringEnd`,
/// `PageURL.firstOf`; `JSONScanner.scanString` writes the same test inline, folded with its others).
enum ByteWords {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// `byte` in every byte of a word, for `matches`.
    @inline(__always) static func broadcast(_ byte: UInt8) -> UInt64 { ones &* UInt64(byte) }

    /// The high bit of each byte of `word` that equals the byte `broadcast` repeats ("has a zero byte"
    /// on `word ^ broadcast`). Borrows only run upwards, so the lowest flagged byte is always a true
    /// hit: `mask.trailingZeroBitCount >> 3` is its index in a little-endian load.
    @inline(__always) static func matches(_ word: UInt64, _ broadcast: UInt64) -> UInt64 {
        let x = word ^ broadcast
        return (x &- ones) & ~x & highs
    }

    /// The next 8 bytes at `offset`, byte 0 lowest.
    @inline(__always) static func load(_ raw: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
