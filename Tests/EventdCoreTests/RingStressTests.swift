import Dispatch
import Testing
@testable import EventdCore

@Suite("BoundedRing under concurrent producers")
struct RingStressTests {
    /// `producers` threads push `perProducer` numbered batches each, backing
    /// off through `onSpaceAvailable` when refused; one consumer pops with
    /// `waitForElements`. Checks nothing is lost or duplicated and each
    /// producer's order is kept, and that no wake-up was lost (every wait
    /// would otherwise hit its timeout).
    @Test(.timeLimit(.minutes(1)), arguments: [
        (producers: 8, perProducer: 100_000, capacity: 1024, byteLimit: Int.max),
        (producers: 4, perProducer: 100_000, capacity: 256, byteLimit: 2_000),
    ])
    func deliversEveryElementOnceInPerProducerOrder(
        producers: Int, perProducer: Int, capacity: Int, byteLimit: Int
    ) async {
        let ring = BoundedRing<RingTestStressBatch>(capacity: capacity, byteLimit: byteLimit)
        let received = RingTestCounter()
        let outOfOrder = RingTestCounter()
        let lostSpaceWakeups = RingTestCounter()
        let consumerTimeouts = RingTestCounter()
        let refusals = RingTestCounter()
        let producersLeft = RingTestCounter()
        producersLeft.add(producers)

        await runOnRingTestThreads(producers + 1) { index in
            if index == producers {
                var next = [Int](repeating: 0, count: producers)
                var count = 0
                while true {
                    while let batch = ring.tryPop() {
                        if batch.sequence != next[batch.producer] { outOfOrder.add(1) }
                        next[batch.producer] = batch.sequence + 1
                        count += 1
                    }
                    switch ring.waitForElements(timeout: .seconds(5)) {
                    case .closed:
                        received.add(count)
                        return
                    case .timedOut, .interrupted:
                        consumerTimeouts.add(1)
                    case .elementsAvailable:
                        continue
                    }
                }
            }
            for sequence in 0..<perProducer {
                // Sizes 1...20 so the byte budget, not only the slots, refuses pushes.
                let batch = RingTestStressBatch(producer: index, sequence: sequence, byteCount: 1 + sequence % 20)
                while !ring.tryPush(batch) {
                    refusals.add(1)
                    let room = DispatchSemaphore(value: 0)
                    ring.onSpaceAvailable { room.signal() }
                    if room.wait(timeout: .now() + .seconds(5)) == .timedOut {
                        lostSpaceWakeups.add(1)
                    }
                }
            }
            if producersLeft.decrement() == 0 {
                ring.close()
            }
        }

        #expect(received.value == producers * perProducer)
        #expect(outOfOrder.value == 0)
        #expect(lostSpaceWakeups.value == 0)
        #expect(consumerTimeouts.value == 0)
        #expect(ring.approximateCount == 0)
        #expect(ring.approximateByteCount == 0)
        // Not asserted (timing-dependent), but shows the backpressure path ran.
        print("ring stress \(producers)x\(perProducer) capacity \(capacity) byteLimit \(byteLimit): \(refusals.value) refused pushes")
    }
}
