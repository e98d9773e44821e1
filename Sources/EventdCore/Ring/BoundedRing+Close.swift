import Atomics

extension BoundedRing {
    /// Closes the ring for shutdown. Idempotent; any thread.
    ///
    /// Every push that starts after `close()` fails; pushes that already
    /// claimed a slot finish and are delivered. The consumer keeps popping what
    /// is left, and ``waitForElements(timeout:)`` returns ``RingWaitResult/closed``
    /// once the ring is empty. A sleeping consumer is woken and every
    /// ``onSpaceAvailable(_:)`` callback runs, so paused sources see the close.
    public func close() {
        let previous = counters.enqueuePosition.loadThenBitwiseOr(
            with: Self.closedBit, ordering: .sequentiallyConsistent
        )
        guard previous & Self.closedBit == 0 else { return }
        // Dekker pair with the consumer's "set sleeping, then check closed".
        if counters.consumerSleeping.load(ordering: .sequentiallyConsistent) {
            wakeConsumer()
        }
        notifySpaceWaiters()
    }
}
