import Testing
@testable import EventdCore

@Suite("BoundedRing close and drain")
struct RingCloseTests {
    @Test func refusesPushesAfterClose() {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        ring.close()
        #expect(ring.isClosed)
        #expect(!ring.tryPush(RingTestBatch(sequence: 0)))
        #expect(ring.approximateCount == 0)
        #expect(ring.approximateByteCount == 0)
    }

    @Test func consumerDrainsWhatIsLeftThenSeesClosed() {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        #expect(ring.tryPush(RingTestBatch(sequence: 0)))
        #expect(ring.tryPush(RingTestBatch(sequence: 1)))
        ring.close()
        ring.close()  // idempotent
        #expect(ring.waitForElements(timeout: .seconds(5)) == .elementsAvailable)
        #expect(ring.tryPop()?.sequence == 0)
        #expect(ring.tryPop()?.sequence == 1)
        #expect(ring.tryPop() == nil)
        #expect(ring.waitForElements(timeout: .seconds(5)) == .closed)
    }

    @Test(.timeLimit(.minutes(1)))
    func closeWakesWaitingConsumer() async {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        let waitedNanoseconds = RingTestCounter()
        let closedSeen = RingTestCounter()
        await runOnRingTestThreads(2) { index in
            if index == 0 {
                let start = ringTestNow()
                if ring.waitForElements(timeout: .seconds(20)) == .closed { closedSeen.add(1) }
                waitedNanoseconds.add(Int(ringTestNow() - start))
            } else {
                // Give the consumer time to go to sleep first (not required for
                // correctness: an early close is seen before sleeping).
                ringTestSleep(milliseconds: 50)
                ring.close()
            }
        }
        #expect(closedSeen.value == 1)
        #expect(waitedNanoseconds.value < 10_000_000_000)
    }

    @Test func closeRunsPendingSpaceCallbacks() {
        let ring = BoundedRing<RingTestBatch>(capacity: 2)
        #expect(ring.tryPush(RingTestBatch(sequence: 0)))
        #expect(ring.tryPush(RingTestBatch(sequence: 1)))
        let fired = RingTestCounter()
        ring.onSpaceAvailable { fired.add(1) }
        #expect(fired.value == 0)
        ring.close()
        #expect(fired.value == 1)
        ring.onSpaceAvailable { fired.add(1) }  // after close: runs at once
        #expect(fired.value == 2)
    }
}
