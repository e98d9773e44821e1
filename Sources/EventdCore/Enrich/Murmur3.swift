/// MurmurHash3 x64-128 (Austin Appleby's reference, public domain), returning (h1, h2).
/// Chosen because it is well known and reproducible outside Swift (e.g. Python's
/// `mmh3.hash128(s, 0, True)` gives `h2 << 64 | h1`), which lets operators recompute event ids.
func murmur3x64_128(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt64) -> (UInt64, UInt64) {
    let c1: UInt64 = 0x87C3_7B91_1142_53D5
    let c2: UInt64 = 0x4CF5_AD43_2745_937F
    var h1 = seed
    var h2 = seed
    @inline(__always) func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    @inline(__always) func load(_ i: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i, as: UInt64.self))
    }
    @inline(__always) func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33; k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33; k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
    let blocks = n / 16
    for b in 0..<blocks {
        var k1 = load(b * 16)
        var k2 = load(b * 16 + 8)
        k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
        h1 = rotl(h1, 27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52DC_E729
        k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
        h2 = rotl(h2, 31); h2 &+= h1; h2 = h2 &* 5 &+ 0x3849_5AB5
    }
    let tail = p + blocks * 16
    let rest = n & 15
    var k1: UInt64 = 0
    var k2: UInt64 = 0
    if rest > 8 {
        for i in stride(from: rest - 1, through: 8, by: -1) { k2 ^= UInt64(tail[i]) << (8 * UInt64(i - 8)) }
        k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
    }
    if rest > 0 {
        for i in stride(from: min(rest, 8) - 1, through: 0, by: -1) { k1 ^= UInt64(tail[i]) << (8 * UInt64(i)) }
        k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
    }
    h1 ^= UInt64(n); h2 ^= UInt64(n)
    h1 &+= h2; h2 &+= h1
    h1 = fmix(h1); h2 = fmix(h2)
    h1 &+= h2; h2 &+= h1
    return (h1, h2)
}
