import Atomics
import Dispatch

extension BoundedRing {
    /// Blocks the calling thread until the head element is ready, the ring is
    /// closed and drained, ``interruptWait()`` is called, or `timeout` passes.
    /// Consumer thread only.
    ///
    /// Returns at once, without touching the semaphore, when the ring is not
    /// empty. Otherwise it sets the `consumerSleeping` flag, re-checks, and
    /// sleeps on a semaphore that the next publishing producer (or `close()`)
    /// signals. It blocks an OS thread: call it from a dedicated loader thread,
    /// never from a Swift concurrency executor.
    public func waitForElements(timeout: Duration) -> RingWaitResult {
        #if DEBUG
        enterConsumer()
        defer { leaveConsumer() }
        #endif
        if let ready = consumerReadiness() { return ready }
        let deadline = DispatchTime.now() + .nanoseconds(Self.nanoseconds(timeout))
        while true {
            // Dekker pair with the producer's publish-then-load: store the flag,
            // then look at the head slot again. A producer that published before
            // our look is seen by it; one that publishes after sees the flag.
            counters.consumerSleeping.store(true, ordering: .sequentiallyConsistent)
            if let ready = consumerReadiness() {
                cancelSleep()
                return ready
            }
            // The same Dekker pair with `interruptWait` (flag store, then sleeping exchange).
            if counters.waitInterrupted.exchange(false, ordering: .sequentiallyConsistent) {
                cancelSleep()
                return .interrupted
            }
            if consumerWakeup.wait(timeout: deadline) == .timedOut {
                cancelSleep()
                return consumerReadiness() ?? .timedOut
            }
            // Signalled: whoever signalled cleared the flag. Loop rather than
            // return, since the published element may not be the head yet (an
            // earlier position still being written); its producer will see the
            // flag we set again.
        }
    }

    /// The consumer's view: head published, or closed with nothing left.
    @inline(__always)
    func consumerReadiness() -> RingWaitResult? {
        let position = counters.dequeuePosition.load(ordering: .relaxed)
        if slots.sequence(position & mask).load(ordering: .sequentiallyConsistent) == position &+ 1 {
            return .elementsAvailable
        }
        let enqueued = counters.enqueuePosition.load(ordering: .sequentiallyConsistent)
        // Closed and every claimed position popped. A position claimed before the
        // close but not yet published keeps us waiting; its producer will wake us.
        if enqueued & Self.closedBit != 0, enqueued & ~Self.closedBit == position {
            return .closed
        }
        return nil
    }

    /// Makes the consumer's current or next ``waitForElements(timeout:)``
    /// return ``RingWaitResult/interrupted`` (unless elements are ready). Any
    /// thread; lock-free. For a consumer that also waits on something other
    /// than producers — the loader waits for its COPY lanes to finish too.
    public func interruptWait() {
        counters.waitInterrupted.store(true, ordering: .sequentiallyConsistent)
        wakeConsumer()
    }

    /// Clears the sleeping flag when the consumer stops waiting on its own.
    func cancelSleep() {
        if !counters.consumerSleeping.exchange(false, ordering: .sequentiallyConsistent) {
            // A producer cleared the flag first, so it has signalled or is about
            // to. Absorb that signal now so the semaphore is back at zero and the
            // next wait does not return spuriously.
            consumerWakeup.wait()
        }
    }

    /// Called by a producer (or `close()`) that saw the flag set. The exchange
    /// makes exactly one caller signal per sleep, keeping the semaphore's count
    /// at most one.
    func wakeConsumer() {
        if counters.consumerSleeping.exchange(false, ordering: .sequentiallyConsistent) {
            consumerWakeup.signal()
        }
    }

    /// `Duration` to whole nanoseconds, clamped to `0...Int.max`.
    static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : Int(max(total, 0))
    }
}
