import Testing
@testable import EventdCore

@Suite("BoundedRing byte budget")
struct RingByteBudgetTests {
    @Test func refusesPushThatWouldExceedByteLimit() {
        let ring = BoundedRing<RingTestBatch>(capacity: 16, byteLimit: 100)
        #expect(ring.tryPush(RingTestBatch(sequence: 0, byteCount: 60)))
        #expect(ring.tryPush(RingTestBatch(sequence: 1, byteCount: 40)))  // exactly at the limit
        #expect(!ring.tryPush(RingTestBatch(sequence: 2, byteCount: 1)))
        #expect(ring.approximateByteCount == 100)
        #expect(ring.approximateCount == 2)  // slots were free: bytes alone refused it
    }

    @Test func popReleasesTheBytesItsPushReserved() {
        let ring = BoundedRing<RingTestBatch>(capacity: 16, byteLimit: 100)
        #expect(ring.tryPush(RingTestBatch(sequence: 0, byteCount: 70)))
        #expect(!ring.tryPush(RingTestBatch(sequence: 1, byteCount: 70)))
        #expect(ring.tryPop()?.byteCount == 70)
        #expect(ring.approximateByteCount == 0)
        #expect(ring.tryPush(RingTestBatch(sequence: 1, byteCount: 70)))
    }

    @Test func admitsOversizedElementOnlyIntoRingHoldingNoBytes() {
        let ring = BoundedRing<RingTestBatch>(capacity: 16, byteLimit: 100)
        #expect(ring.tryPush(RingTestBatch(sequence: 0, byteCount: 10)))
        #expect(!ring.tryPush(RingTestBatch(sequence: 1, byteCount: 500)))
        _ = ring.tryPop()
        #expect(ring.tryPush(RingTestBatch(sequence: 1, byteCount: 500)))
        // Over the limit now: nothing else fits, not even an empty batch.
        #expect(!ring.tryPush(RingTestBatch(sequence: 2, byteCount: 0)))
        #expect(ring.tryPop()?.sequence == 1)
        #expect(ring.approximateByteCount == 0)
    }

    @Test func slotLimitAppliesEvenWithBytesToSpare() {
        let ring = BoundedRing<RingTestBatch>(capacity: 2, byteLimit: 1_000_000)
        #expect(ring.tryPush(RingTestBatch(sequence: 0)))
        #expect(ring.tryPush(RingTestBatch(sequence: 1)))
        #expect(!ring.tryPush(RingTestBatch(sequence: 2)))
        #expect(ring.approximateByteCount == 2)
    }
}
