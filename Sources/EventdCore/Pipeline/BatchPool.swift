/// Recycles `IngestBatch`es so that, in steady state, neither the sources nor the loader allocate
/// buffers: the loader returns each committed batch here and the sources take them back.
///
/// A mutex-guarded free list (`PThreadLock`) is enough: it is touched once per batch (thousands of events), never
/// per event, and the ring — the part that is on every hand-off — stays lock-free. When the list is
/// empty a new batch is allocated; when it is full the batch is released, so the pool never holds
/// more than `capacity` batches.
public final class BatchPool: Sendable {
    private let free: PThreadLock<[IngestBatch]>
    private let capacity: Int
    private let initialCapacity: Int
    /// Batches that grew beyond this are not kept, so one huge burst does not pin memory forever.
    private let maxRetainedBytes: Int

    public init(capacity: Int = 256, batchCapacity: Int = 64 * 1024, maxRetainedBytes: Int = 4 << 20) {
        free = PThreadLock([])
        self.capacity = capacity
        initialCapacity = batchCapacity
        self.maxRetainedBytes = maxRetainedBytes
    }

    public func take() -> IngestBatch {
        free.withLock { $0.popLast() } ?? IngestBatch(initialCapacity: initialCapacity)
    }

    public func recycle(_ batch: IngestBatch) {
        guard batch.events.capacity <= maxRetainedBytes else { return }
        batch.reset()
        free.withLock { list in
            if list.count < capacity { list.append(batch) }
        }
    }
}
