import Testing
@testable import EventdCore

@Suite("BoundedRing FIFO on one thread")
struct RingFIFOTests {
    @Test func popsElementsInPushOrder() {
        let ring = BoundedRing<RingTestBatch>(capacity: 8)
        for sequence in 0..<8 {
            #expect(ring.tryPush(RingTestBatch(sequence: sequence)))
        }
        for sequence in 0..<8 {
            #expect(ring.tryPop()?.sequence == sequence)
        }
        #expect(ring.tryPop() == nil)
    }

    @Test func emptyRingPopsNothing() {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        #expect(ring.tryPop() == nil)
        #expect(ring.approximateCount == 0)
        #expect(ring.approximateByteCount == 0)
    }

    @Test func wrapsAroundManyTimesKeepingOrder() {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        var pushed = 0
        var popped = 0
        // Vary the fill level each round so every slot sees every phase.
        for round in 0..<50_000 {
            let burst = 1 + round % 4
            for _ in 0..<burst {
                #expect(ring.tryPush(RingTestBatch(sequence: pushed)))
                pushed += 1
            }
            for _ in 0..<burst {
                guard let batch = ring.tryPop() else {
                    Issue.record("ring lost an element at \(popped)")
                    return
                }
                if batch.sequence != popped {
                    Issue.record("expected \(popped), popped \(batch.sequence)")
                    return
                }
                popped += 1
            }
        }
        #expect(pushed == popped)
        #expect(pushed > 100_000)  // far past 2 * capacity laps
        #expect(ring.approximateCount == 0)
    }

    @Test func releasesQueuedElementsWhenDeallocated() {
        let deinits = RingTestCounter()
        do {
            let ring = BoundedRing<RingTestTrackedBatch>(capacity: 8)
            for _ in 0..<5 {
                #expect(ring.tryPush(RingTestTrackedBatch(deinits: deinits)))
            }
            _ = ring.tryPop()  // one popped and dropped by the caller
            #expect(deinits.value == 1)
        }
        #expect(deinits.value == 5)
    }
}
