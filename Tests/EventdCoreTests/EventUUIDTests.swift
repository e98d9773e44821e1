import Testing
@testable import EventdCore

@Suite struct EventUUIDTests {
    @Test func parsesAndFormatsCanonicalAndBareHex() {
        let u = EventUUID.parse("3F2504E0-4F89-11D3-9A0C-0305E82C3301")!
        #expect(u.description == "3f2504e0-4f89-11d3-9a0c-0305e82c3301")
        #expect(EventUUID.parse("3f2504e04f8911d39a0c0305e82c3301") == u)
        #expect(EventUUID.parse("3f2504e0-4f89-11d3-9a0c-0305e82c330") == nil)
        #expect(EventUUID.parse("3f2504e0x4f89-11d3-9a0c-0305e82c3301") == nil)
        #expect(EventUUID.parse("zf2504e0-4f89-11d3-9a0c-0305e82c3301") == nil)
    }

    @Test func v7IdsCarryTimeVersionVariantAndIncreaseMonotonically() {
        var g = UUIDv7Generator(testOnly_seed: 1)
        var last = g.next(nowMicros: testReceivedAt)
        #expect(last.version == 7 && last.variant == 2)
        #expect(Int64(last.hi >> 16) == testReceivedAt / 1000)
        for i in 0..<10_000 {
            // the clock even steps back once: ids must still increase
            let now = i == 5_000 ? testReceivedAt - 10_000 : testReceivedAt + Int64(i / 100)
            let next = g.next(nowMicros: now)
            #expect(next.version == 7 && next.variant == 2)
            #expect((next.hi, next.lo) > (last.hi, last.lo) || next.hi > last.hi)
            #expect(next.hi > last.hi)
            last = next
        }
    }

    @Test func v7GeneratorsDifferByRandomBits() {
        var a = UUIDv7Generator()
        var b = UUIDv7Generator()
        #expect(a.next(nowMicros: 0) != b.next(nowMicros: 0))
    }

    @Test func v8IdsAreStableVersionedHashes() {
        let a = EventUUID.v8(hashing: "order-77")
        #expect(a == EventUUID.v8(hashing: "order-77"))
        #expect(a != EventUUID.v8(hashing: "order-78"))
        #expect(a.version == 8 && a.variant == 2)
        // Pinned so a change of hash (which would break dedup across upgrades) fails loudly.
        // Reference MurmurHash3_x128_64 vectors (seed 0): "" ⇒ 0/0; the fox ⇒ 6c1b07bc7bbc4be3 47939ac4a93c437a
        // as little-endian bytes, i.e. h1 = 0xe34bbc7bbc071b6c, h2 = 0x7a433ca9c49a9347.
        #expect(murmur3x64_128Pinned("") == (0, 0))
        #expect(murmur3x64_128Pinned("The quick brown fox jumps over the lazy dog") == (0xE34B_BC7B_BC07_1B6C, 0x7A43_3CA9_C49A_9347))
        #expect(EventUUID.v8(hashing: "The quick brown fox jumps over the lazy dog").description
            == "e34bbc7b-bc07-8b6c-ba43-3ca9c49a9347")
    }
}

private func murmur3x64_128Pinned(_ s: String) -> (UInt64, UInt64) {
    var s = s
    return s.withUTF8 { murmur3x64_128($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, seed: 0) }
}
