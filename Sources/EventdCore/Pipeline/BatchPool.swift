/// Recycles `IngestBatch`es so that, in steady state, neither the sources nor the loader allocate
/// buffers: the loader returns each committed batch here and the sources take them back.
///
/// A mutex-guarded free list (`PThreadLock`) is enough: it is touched once per batch (thousands of
/// events), never per event, and the ring — the part that is on every hand-off — stays lock-free.
/// When the list is empty a new batch is allocated. The list is bounded by its total buffer bytes,
/// not only by count: batches grow to fit their largest read, so 256 kept batches could otherwise
/// pin a gigabyte after one burst, and the daemon's memory bound (ring bytes + pool bytes) would not hold.
public final class BatchPool: Sendable {
    private struct FreeList {
        var batches: [IngestBatch] = []
        var bytes = 0
    }

    private let free = PThreadLock(FreeList())
    private let initialCapacity: Int
    /// Most buffer bytes the free list keeps (default 16 MiB).
    private let maxPooledBytes: Int
    /// A batch whose buffers grew beyond this is released rather than kept (default 256 KiB): the ring
    /// counts a batch's whole buffer against its byte budget, so handing a burst's 1 MiB buffer to a
    /// small HTTP request would fill the ring with empty capacity (seen as 503s after a UDP flood).
    private let maxBatchBytes: Int

    public init(batchCapacity: Int = 64 * 1024, maxPooledBytes: Int = 16 << 20, maxBatchBytes: Int = 256 << 10) {
        initialCapacity = batchCapacity
        self.maxPooledBytes = maxPooledBytes
        self.maxBatchBytes = maxBatchBytes
    }

    public func take() -> IngestBatch {
        let pooled: IngestBatch? = free.withLock { list in
            guard let batch = list.batches.popLast() else { return nil }
            list.bytes -= batch.byteCount
            return batch
        }
        return pooled ?? IngestBatch(initialCapacity: initialCapacity)
    }

    public func recycle(_ batch: IngestBatch) {
        let bytes = batch.byteCount
        guard bytes <= maxBatchBytes else { return }
        batch.reset()
        free.withLock { list in
            guard list.bytes + bytes <= maxPooledBytes else { return }
            list.batches.append(batch)
            list.bytes += bytes
        }
    }

    /// Buffer bytes held by the free list (for tests and gauges).
    public var pooledBytes: Int { free.withLock { $0.bytes } }
}
