import Atomics

extension BoundedRing {
    /// Removes and returns the oldest element, or `nil` if the ring is empty.
    /// Consumer thread only. Never blocks; lock-free; allocates nothing.
    ///
    /// `nil` may also mean the producer of the head position has claimed it but
    /// not finished writing; ``waitForElements(timeout:)`` waits for that.
    public func tryPop() -> Element? {
        #if DEBUG
        enterConsumer()
        defer { leaveConsumer() }
        #endif
        // Only this thread writes dequeuePosition, so relaxed reads its own value.
        let position = counters.dequeuePosition.load(ordering: .relaxed)
        let index = position & mask
        // Acquire: pairs with the producer's publishing store, making the
        // element's memory visible.
        guard slots.sequence(index).load(ordering: .acquiring) == position &+ 1 else {
            return nil
        }
        let (element, bytes) = slots.move(index)
        // Release: hand the slot to the producer of `position + capacity` only
        // after the element has been moved out.
        slots.sequence(index).store(position &+ capacity, ordering: .releasing)
        // A plain store, not Vyukov's CAS: there is one consumer.
        counters.dequeuePosition.store(position &+ 1, ordering: .relaxed)
        // Sequentially consistent RMW (LOCK XADD on x86-64 whatever the ordering):
        // with the `spaceWaitersPending` load below it forms the Dekker pair with
        // `onSpaceAvailable` (flag store, then reservedBytes load), so a producer
        // registering as we drain is either seen here or sees the room itself.
        // The dequeuePosition store above is ordered before it, so a registrar
        // that reads this decrement also sees the freed slot.
        counters.reservedBytes.wrappingDecrement(by: bytes, ordering: .sequentiallyConsistent)
        if counters.spaceWaitersPending.load(ordering: .sequentiallyConsistent) {
            notifySpaceWaitersIfBelowLowWater()
        }
        return element
    }

    #if DEBUG
    /// Traps when two threads consume at once: the single-consumer shortcuts
    /// (plain dequeue store, one semaphore) would silently corrupt the ring.
    func enterConsumer() {
        let wasActive = counters.consumerActive.exchange(true, ordering: .acquiring)
        precondition(!wasActive, "BoundedRing has a single consumer: tryPop/waitForElements called concurrently from two threads")
    }

    func leaveConsumer() {
        counters.consumerActive.store(false, ordering: .releasing)
    }
    #endif
}
