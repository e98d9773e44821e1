/// The unit that travels through the ring: encoded rows for analytics.events, encoded refusals for
/// analytics.rejected_events, and — for senders that asked for confirmation — what to tell them
/// once the rows are committed.
///
/// One batch carries many events (a TCP read's worth, one HTTP body, one UDP read loop), so the ring,
/// the loader and the completion pay per batch, never per event. Ownership moves from the source to
/// the ring to the loader; exactly one party touches a batch at a time, hence `@unchecked Sendable`.
public final class IngestBatch: RingElement, @unchecked Sendable {
    /// Rows for analytics.events.
    public let events: RowBuffer
    /// Rows for analytics.rejected_events.
    public let rejections: RowBuffer
    /// Refusals found while decoding, kept only when the sender wants them back (TCP acks, HTTP).
    public var decodeRejections: [Rejection] = []
    /// Events that were decoded (accepted + refused) into this batch.
    public var received = 0
    private var completion: (@Sendable (BatchOutcome, IngestBatch) -> Void)?

    public init(initialCapacity: Int = 64 * 1024) {
        events = RowBuffer(table: .events, initialCapacity: initialCapacity)
        rejections = RowBuffer(table: .rejectedEvents, initialCapacity: 4 * 1024)
    }

    /// Bytes the batch pins while it waits in the ring: its buffers' allocated storage, not just the
    /// rows written, as `RowBuffer.byteCount` does. Counting only the rows let a UDP flood (many
    /// small batches, each holding a 64 KiB+ buffer) pin 4× the ring's byte budget: the benchmark
    /// saw 215 MB RSS with the 64 MiB default; with this, ~120 MB.
    public var byteCount: Int { events.byteCount + rejections.byteCount }

    /// Bytes of row text written so far (what a source compares with its cut size).
    public var contentBytes: Int { events.count + rejections.count }

    public var isEmpty: Bool { events.isEmpty && rejections.isEmpty }

    public var hasCompletion: Bool { completion != nil }

    /// Called once, by the loader, after the batch's rows are committed, durable in the spool, or given
    /// up on (see `BatchOutcome`).
    public func onCompletion(_ body: @escaping @Sendable (BatchOutcome, IngestBatch) -> Void) {
        completion = body
    }

    public func complete(_ outcome: BatchOutcome) {
        let body = completion
        completion = nil
        body?(outcome, self)
    }

    /// Empties the batch for reuse.
    public func reset() {
        events.removeAll(keepingCapacity: true)
        rejections.removeAll(keepingCapacity: true)
        decodeRejections.removeAll(keepingCapacity: true)
        received = 0
        completion = nil
    }
}

/// What became of a batch, as its sender is told.
///
/// The confirmation invariant: a sender is told its events are safe (TCP ack, HTTP 2xx) only for
/// `.committed` — after PostgreSQL's COMMIT returned — or `.spooled` — after the batch's spool record
/// is durable as `spool.fsync` defines it. The loader is the only party that completes a batch.
public enum BatchOutcome: Sendable {
    /// Every row is in PostgreSQL, except those the server refused (their messages, in order);
    /// refused rows are in analytics.rejected_events.
    case committed(refusedByDatabase: [String])
    /// PostgreSQL is unreachable or behind: the rows are in eventd's disk spool, durable per the
    /// configured fsync policy, and will be replayed into PostgreSQL in order. A row the server
    /// refuses at replay goes to analytics.rejected_events; the sender, already answered, is not told.
    case spooled
    /// Nothing is known to be committed (the daemon stopped with PostgreSQL unreachable).
    case failed(reason: String)
}

/// The ring between the network event loops (producers) and the loader (the one consumer).
public typealias IngestRing = BoundedRing<IngestBatch>
