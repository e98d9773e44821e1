import Atomics

extension BoundedRing {
    /// Appends `element` unless the ring is full (no free slot, or its bytes
    /// would pass ``byteLimit``) or closed. Never blocks; lock-free; allocates nothing.
    ///
    /// - Returns: `true` if the element was queued. On `false` the element was
    ///   not taken: the caller backpressures (see ``onSpaceAvailable(_:)``),
    ///   counts a drop, or, if ``isClosed``, stops producing.
    public func tryPush(_ element: Element) -> Bool {
        let bytes = element.byteCount
        precondition(bytes >= 0, "RingElement.byteCount must not be negative, got \(bytes)")

        var position = counters.enqueuePosition.load(ordering: .relaxed)
        if position & Self.closedBit != 0 { return false }
        // Bytes first: once a position is claimed it must be published (the
        // consumer waits for positions in order), so every check that can fail
        // has to come before the claim.
        guard reserveBytes(bytes) else { return false }

        while true {
            if position & Self.closedBit != 0 {
                releaseBytes(bytes)
                return false
            }
            let index = position & mask
            // Acquire: pairs with the consumer's release when it emptied this slot,
            // so our write below cannot race its move out of the slot.
            let sequence = slots.sequence(index).load(ordering: .acquiring)
            let lag = sequence &- position
            if lag == 0 {
                // The slot is free for `position`: claim the position. Relaxed is
                // enough: the slot's sequence, not this counter, carries the data.
                let (claimed, current) = counters.enqueuePosition.weakCompareExchange(
                    expected: position, desired: position &+ 1, ordering: .relaxed
                )
                if claimed { break }
                position = current
            } else if lag < 0 {
                // The slot still holds the element from one lap ago: full.
                releaseBytes(bytes)
                return false
            } else {
                // Another producer claimed `position` already; catch up.
                position = counters.enqueuePosition.load(ordering: .relaxed)
            }
        }

        let index = position & mask
        slots.initialize(index, element: element, byteCount: bytes)
        // Publish. Sequentially consistent rather than release so that this store
        // and the `consumerSleeping` load below form a Dekker pair with the
        // consumer's "set sleeping, then re-check the head slot": one of the two
        // threads must see the other, so a wake-up cannot be lost. On x86-64 this
        // is an XCHG instead of a MOV; on arm64 STLR already suffices.
        slots.sequence(index).store(position &+ 1, ordering: .sequentiallyConsistent)
        // The only cost of the wake-up machinery on the fast path: one load.
        if counters.consumerSleeping.load(ordering: .sequentiallyConsistent) {
            wakeConsumer()
        }
        return true
    }

    /// Reserves `bytes` of the byte budget, or returns `false` if they do not fit.
    /// A CAS loop rather than add-then-undo, so a refused push never makes the
    /// counter overshoot and spuriously refuse another producer.
    @inline(__always)
    func reserveBytes(_ bytes: Int) -> Bool {
        var current = counters.reservedBytes.load(ordering: .relaxed)
        while true {
            // `byteLimit &- current` cannot overflow (both non-negative) and is
            // negative once an oversized element was admitted. `current == 0`
            // admits an element bigger than the whole limit into an empty ring.
            guard current == 0 || bytes <= byteLimit &- current else { return false }
            let (reserved, actual) = counters.reservedBytes.weakCompareExchange(
                expected: current, desired: current &+ bytes, ordering: .relaxed
            )
            if reserved { return true }
            current = actual
        }
    }

    /// Gives back bytes a push reserved but could not use.
    @inline(__always)
    func releaseBytes(_ bytes: Int) {
        if bytes != 0 {
            counters.reservedBytes.wrappingDecrement(by: bytes, ordering: .relaxed)
        }
    }
}
