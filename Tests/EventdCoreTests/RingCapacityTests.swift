import Testing
@testable import EventdCore

@Suite("BoundedRing capacity and full/empty boundaries")
struct RingCapacityTests {
    @Test(arguments: [(1, 2), (2, 2), (3, 4), (8, 8), (1000, 1024), (1 << 20, 1 << 20)])
    func roundsCapacityUpToPowerOfTwo(requested: Int, expected: Int) {
        #expect(BoundedRing<RingTestBatch>(capacity: requested).capacity == expected)
    }

    @Test func rejectsZeroCapacity() async {
        await #expect(processExitsWith: .failure) {
            _ = BoundedRing<RingTestBatch>(capacity: 0)
        }
    }

    @Test func refusesPushWhenEverySlotIsTaken() {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        for sequence in 0..<4 {
            #expect(ring.tryPush(RingTestBatch(sequence: sequence)))
            #expect(ring.approximateCount == sequence + 1)
        }
        #expect(!ring.tryPush(RingTestBatch(sequence: 4)))
        #expect(ring.approximateCount == 4)
        #expect(ring.approximateByteCount == 4)  // the refused push left no bytes behind
    }

    @Test func acceptsAgainAfterOnePopFromFullRing() {
        let ring = BoundedRing<RingTestBatch>(capacity: 2)
        #expect(ring.tryPush(RingTestBatch(sequence: 0)))
        #expect(ring.tryPush(RingTestBatch(sequence: 1)))
        #expect(!ring.tryPush(RingTestBatch(sequence: 2)))
        #expect(ring.tryPop()?.sequence == 0)
        #expect(ring.tryPush(RingTestBatch(sequence: 2)))
        #expect(!ring.tryPush(RingTestBatch(sequence: 3)))
        #expect(ring.tryPop()?.sequence == 1)
        #expect(ring.tryPop()?.sequence == 2)
        #expect(ring.tryPop() == nil)
    }
}
