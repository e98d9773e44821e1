import Atomics

extension BoundedRing {
    /// Registers `callback` to run once the ring has drained to its low-water
    /// mark (at most half the slots and half the ``byteLimit`` in use) or has
    /// been closed. Call it after ``tryPush(_:)`` returned `false`; a TCP source
    /// stops reading and resumes in the callback.
    ///
    /// The callback runs exactly once, on an arbitrary thread: usually the
    /// consumer's (inside `tryPop`), or the caller's before this method returns
    /// if there is room already or the ring is closed, or `close()`'s. Keep it
    /// short and non-blocking, e.g. `eventLoop.execute { context.read() }`.
    ///
    /// Slow path: takes a lock and allocates. The half-full hysteresis keeps a
    /// paused source from resuming for a single free slot and pausing again.
    public func onSpaceAvailable(_ callback: @escaping @Sendable () -> Void) {
        spaceWaiters.append(callback) {
            // Dekker pair with tryPop (reservedBytes RMW, then this flag's load):
            // we store the flag, then re-check the room below.
            counters.spaceWaitersPending.store(true, ordering: .sequentiallyConsistent)
        }
        if hasRoomOrIsClosed() {
            notifySpaceWaiters()
        }
    }

    /// At or below the low-water mark in both slots and bytes, or closed.
    func hasRoomOrIsClosed() -> Bool {
        // Load bytes first and sequentially consistent: see tryPop.
        let bytes = counters.reservedBytes.load(ordering: .sequentiallyConsistent)
        let enqueued = counters.enqueuePosition.load(ordering: .sequentiallyConsistent)
        if enqueued & Self.closedBit != 0 { return true }
        let dequeued = counters.dequeuePosition.load(ordering: .relaxed)
        return enqueued &- dequeued <= lowWaterCount && bytes <= lowWaterBytes
    }

    /// Consumer side, after a pop that saw waiters pending.
    func notifySpaceWaitersIfBelowLowWater() {
        if hasRoomOrIsClosed() {
            notifySpaceWaiters()
        }
    }

    /// Runs and forgets every registered callback, outside the lock so a
    /// callback may push or register again.
    func notifySpaceWaiters() {
        let callbacks = spaceWaiters.takeAll {
            counters.spaceWaitersPending.store(false, ordering: .sequentiallyConsistent)
        }
        for callback in callbacks {
            callback()
        }
    }
}
