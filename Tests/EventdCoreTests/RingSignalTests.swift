import Testing
@testable import EventdCore

@Suite("BoundedRing wake-ups and space notifications")
struct RingSignalTests {
    @Test func spaceCallbackFiresOnceRingDrainsToHalf() {
        let ring = BoundedRing<RingTestBatch>(capacity: 8)
        for sequence in 0..<8 {
            #expect(ring.tryPush(RingTestBatch(sequence: sequence)))
        }
        #expect(!ring.tryPush(RingTestBatch(sequence: 8)))
        let fired = RingTestCounter()
        ring.onSpaceAvailable { fired.add(1) }
        for _ in 0..<3 {
            _ = ring.tryPop()
            #expect(fired.value == 0)  // 7, 6, 5 left: above the low-water mark
        }
        _ = ring.tryPop()  // 4 left: half
        #expect(fired.value == 1)
        _ = ring.tryPop()
        #expect(fired.value == 1)  // exactly once
    }

    @Test func spaceCallbackWaitsForBytesToDrainToo() {
        let ring = BoundedRing<RingTestBatch>(capacity: 8, byteLimit: 100)
        #expect(ring.tryPush(RingTestBatch(sequence: 0, byteCount: 30)))
        #expect(ring.tryPush(RingTestBatch(sequence: 1, byteCount: 60)))
        #expect(!ring.tryPush(RingTestBatch(sequence: 2, byteCount: 30)))
        let fired = RingTestCounter()
        ring.onSpaceAvailable { fired.add(1) }
        _ = ring.tryPop()  // 60 bytes left: above 50
        #expect(fired.value == 0)
        _ = ring.tryPop()
        #expect(fired.value == 1)
    }

    @Test func spaceCallbackRunsAtOnceWhenRoomAlready() {
        let ring = BoundedRing<RingTestBatch>(capacity: 8)
        #expect(ring.tryPush(RingTestBatch(sequence: 0)))
        let fired = RingTestCounter()
        ring.onSpaceAvailable { fired.add(1) }
        #expect(fired.value == 1)
    }

    @Test func waitReturnsAtOnceWhenElementsAreQueued() {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        #expect(ring.tryPush(RingTestBatch(sequence: 0)))
        #expect(ring.waitForElements(timeout: .zero) == .elementsAvailable)
    }

    @Test func waitTimesOutOnEmptyOpenRing() {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        let start = ringTestNow()
        #expect(ring.waitForElements(timeout: .milliseconds(50)) == .timedOut)
        #expect(ringTestNow() - start >= 40_000_000)
        // The semaphore is balanced: a later push still wakes the next wait.
        #expect(ring.tryPush(RingTestBatch(sequence: 0)))
        #expect(ring.waitForElements(timeout: .seconds(5)) == .elementsAvailable)
    }

    @Test(.timeLimit(.minutes(1)))
    func consumerWakesWhenElementArrivesWhileWaiting() async {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        let wokeWithElement = RingTestCounter()
        let waitedNanoseconds = RingTestCounter()
        await runOnRingTestThreads(2) { index in
            if index == 0 {
                let start = ringTestNow()
                if ring.waitForElements(timeout: .seconds(20)) == .elementsAvailable,
                   ring.tryPop()?.sequence == 7 {
                    wokeWithElement.add(1)
                }
                waitedNanoseconds.add(Int(ringTestNow() - start))
            } else {
                ringTestSleep(milliseconds: 50)  // let the consumer fall asleep
                _ = ring.tryPush(RingTestBatch(sequence: 7))
            }
        }
        #expect(wokeWithElement.value == 1)
        // Woken by the push, not by the 20 s timeout.
        #expect(waitedNanoseconds.value < 10_000_000_000)
    }

    @Test func interruptBeforeWaitEndsTheNextWaitOnly() {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        ring.interruptWait()
        #expect(ring.waitForElements(timeout: .seconds(5)) == .interrupted)
        // Consumed: the wait after it sleeps its full timeout.
        #expect(ring.waitForElements(timeout: .milliseconds(20)) == .timedOut)
        // Elements win over a pending interruption, which then ends a later wait.
        ring.interruptWait()
        #expect(ring.tryPush(RingTestBatch(sequence: 0)))
        #expect(ring.waitForElements(timeout: .seconds(5)) == .elementsAvailable)
        #expect(ring.tryPop()?.sequence == 0)
        #expect(ring.waitForElements(timeout: .seconds(5)) == .interrupted)
    }

    @Test(.timeLimit(.minutes(1)))
    func interruptWakesASleepingConsumerAndKeepsTheSemaphoreBalanced() async {
        let ring = BoundedRing<RingTestBatch>(capacity: 4)
        let results = RingTestCounter()
        let waitedNanoseconds = RingTestCounter()
        await runOnRingTestThreads(2) { index in
            if index == 0 {
                let start = ringTestNow()
                if ring.waitForElements(timeout: .seconds(20)) == .interrupted { results.add(1) }
                waitedNanoseconds.add(Int(ringTestNow() - start))
                // A push after the interruption still wakes the next wait.
                if ring.waitForElements(timeout: .seconds(20)) == .elementsAvailable,
                   ring.tryPop()?.sequence == 9 {
                    results.add(1)
                }
            } else {
                ringTestSleep(milliseconds: 50)  // let the consumer fall asleep
                ring.interruptWait()
                ringTestSleep(milliseconds: 50)
                _ = ring.tryPush(RingTestBatch(sequence: 9))
            }
        }
        #expect(results.value == 2)
        #expect(waitedNanoseconds.value < 10_000_000_000)
    }
}
