/// Why ``BoundedRing/waitForElements(timeout:)`` returned.
public enum RingWaitResult: Sendable, Hashable {
    /// The element at the head of the ring is ready: `tryPop()` will return it.
    case elementsAvailable
    /// The timeout passed with the ring still empty and open.
    case timedOut
    /// ``BoundedRing/interruptWait()`` was called: something other than the
    /// ring needs the consumer's attention (the ring may still be empty).
    case interrupted
    /// The ring was closed and everything pushed before `close()` has been
    /// popped: the consumer is done.
    case closed
}
