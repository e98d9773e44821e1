import EventdCore

/// The one way every source hands a batch to the ring, and what it does with one the ring cannot
/// take. What a source does *then* is its transport's: a TCP connection stops reading until
/// `onSpaceAvailable` (backpressure), an HTTP request is answered `503`, a UDP datagram's batch is
/// dropped. The counting and the giving back are here, once.
struct RingHandoff: Sendable {
    let ring: IngestRing
    let pool: BatchPool
    let metrics: EventdMetrics

    enum Result: Equatable {
        case taken
        /// The ring is at its slot or byte limit; the loader will make room.
        case full
        /// The loader has stopped (after every source has): nothing will take this batch any more.
        case closed
    }

    func offer(_ batch: IngestBatch) -> Result {
        if ring.tryPush(batch) { return .taken }
        return ring.isClosed ? .closed : .full
    }

    /// Counts `events` of a batch the ring had no room for as dropped (`cause="ring_full"`) and gives
    /// the batch back to the pool, forgetting its completion.
    func dropRingFull(_ batch: IngestBatch, events: Int) {
        metrics.droppedRingFull.increment(by: events)
        pool.recycle(batch)
    }

    /// Fails a batch that came after the loader stopped (`cause="shutdown_deadline"`): its sender
    /// is told, and sends it again to the next eventd.
    func dropAtShutdown(_ batch: IngestBatch) {
        metrics.droppedShutdown.increment(by: batch.events.rowCount)
        batch.complete(.failed(reason: "eventd is shutting down"))
    }

    /// Calls `callback` (on any thread) once the ring has room again.
    func onSpaceAvailable(_ callback: @escaping @Sendable () -> Void) {
        ring.onSpaceAvailable(callback)
    }
}
