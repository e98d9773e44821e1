/// Recycles `IngestBatch`es so that, in steady state, neither the sources nor the loader allocate
/// buffers: the loader returns each committed batch here and the sources take them back.
///
/// A mutex-guarded free list (`PThreadLock`) is enough: it is touched once per batch (thousands of
/// events), never per event, and the ring — the part that is on every hand-off — stays lock-free.
/// When the list is empty a new batch is allocated. The lists are bounded by their total buffer bytes,
/// not only by count: batches grow to fit their largest read, so 256 kept batches could otherwise
/// pin a gigabyte after one burst, and the daemon's memory bound would not hold.
///
/// Two free lists, by size. Small batches (up to `maxBatchBytes`) go to anyone (`take`). Large ones
/// (up to `maxLargeBatchBytes`) go only to a source whose last batch was large too (`takeLarge`: a TCP
/// or UDP sender flat out). Why: the ring counts a batch's whole buffer against its byte
/// budget, so a small HTTP request handed a burst's 2 MiB buffer fills the ring with empty capacity
/// (seen as 503s after a UDP flood); and the large list must be big enough to take back every cut in
/// flight at once, or under overload most large batches are freed and mapped afresh for the next read
/// (Benchmarks/RESULTS.md, "Recycling the batches of the cuts in flight").
public final class BatchPool: Sendable {
    private struct FreeList {
        var batches: [IngestBatch] = []
        var bytes = 0

        mutating func pop() -> IngestBatch? {
            guard let batch = batches.popLast() else { return nil }
            bytes -= batch.byteCount
            return batch
        }

        /// Keeps `batch` (`size` bytes) unless that would take the list over `limit`.
        mutating func push(_ batch: IngestBatch, bytes size: Int, limit: Int) {
            guard bytes + size <= limit else { return }
            batches.append(batch)
            bytes += size
        }
    }

    private struct FreeLists {
        var small = FreeList()
        var large = FreeList()
    }

    private let free = PThreadLock(FreeLists())
    private let initialCapacity: Int
    /// Most buffer bytes the small list keeps (default 16 MiB).
    private let maxPooledBytes: Int
    /// A batch whose buffers are at most this is small (default 256 KiB); beyond it, see `maxLargeBatchBytes`.
    private let maxBatchBytes: Int
    /// A batch whose buffers grew beyond `maxBatchBytes`, up to this, is kept on the large list; beyond
    /// it, or with the default 0, it is released.
    private let maxLargeBatchBytes: Int
    /// Most buffer bytes the large list keeps (default 0: none).
    private let maxLargePooledBytes: Int
    /// Called (outside the lock) each time a take finds no batch to reuse and allocates one: the daemon
    /// counts them (`eventd_batch_pool_allocations_total`); steady in steady state, rising under churn.
    private let onAllocate: @Sendable () -> Void

    public init(batchCapacity: Int = 64 * 1024, maxPooledBytes: Int = 16 << 20, maxBatchBytes: Int = 256 << 10,
                maxLargeBatchBytes: Int = 0, maxLargePooledBytes: Int = 0,
                onAllocate: @escaping @Sendable () -> Void = {}) {
        initialCapacity = batchCapacity
        self.maxPooledBytes = maxPooledBytes
        self.maxBatchBytes = maxBatchBytes
        self.maxLargeBatchBytes = maxLargeBatchBytes
        self.maxLargePooledBytes = maxLargePooledBytes
        self.onAllocate = onAllocate
    }

    /// A small (or new) batch: for a sender whose batch holds what one request or read brought.
    public func take() -> IngestBatch {
        free.withLock { $0.small.pop() } ?? allocate()
    }

    /// A large batch if one is free, else as `take`: for a source whose last batch was large (a sender
    /// flat out: the next one will be as well).
    public func takeLarge() -> IngestBatch {
        free.withLock { $0.large.pop() ?? $0.small.pop() } ?? allocate()
    }

    private func allocate() -> IngestBatch {
        onAllocate()
        return IngestBatch(initialCapacity: initialCapacity)
    }

    public func recycle(_ batch: IngestBatch) {
        let bytes = batch.byteCount
        let large = bytes > maxBatchBytes
        guard !large || bytes <= maxLargeBatchBytes else { return }
        batch.reset()
        free.withLock { lists in
            if large {
                lists.large.push(batch, bytes: bytes, limit: maxLargePooledBytes)
            } else {
                lists.small.push(batch, bytes: bytes, limit: maxPooledBytes)
            }
        }
    }

    /// Empties the large list and returns the buffer bytes it held. The loader calls it while the ring has
    /// been idle for a while (`IdleLargeBatchRelease`): the large list exists for a sender flat out, and an idle
    /// eventd need not keep a burst's buffers (15–22 MB after a TCP flood). The buffers are above glibc's
    /// mmap threshold (`MallocTuning`), so freeing them returns the memory to the kernel at once.
    @discardableResult
    public func releaseLarge() -> Int {
        let released = free.withLock { lists -> FreeList in
            let taken = lists.large
            lists.large = FreeList()
            return taken
        }
        // The batches are freed here, outside the lock, when `released` goes out of scope.
        return released.bytes
    }

    /// Buffer bytes held by both free lists (for tests and gauges).
    public var pooledBytes: Int { free.withLock { $0.small.bytes + $0.large.bytes } }
}
