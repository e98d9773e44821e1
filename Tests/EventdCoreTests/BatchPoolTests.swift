@testable import EventdCore
import Testing

struct BatchPoolTests {
    @Test func recycledBatchesAreReusedEmpty() {
        let pool = BatchPool()
        let batch = pool.take()
        batch.received = 3
        pool.recycle(batch)
        let again = pool.take()
        #expect(again === batch)
        #expect(again.received == 0)
        #expect(again.isEmpty)
    }

    @Test func keepsNoMoreThanItsByteBudget() {
        let pool = BatchPool(batchCapacity: 64 * 1024, maxPooledBytes: 1 << 20)
        let batches = (0..<64).map { _ in pool.take() }
        for batch in batches { pool.recycle(batch) }
        #expect(pool.pooledBytes <= 1 << 20, "a burst of batches must not pin more than the pool's budget")
        #expect(pool.pooledBytes > 0)
    }

    @Test func releasesBatchesThatGrewTooLarge() {
        let pool = BatchPool(batchCapacity: 64 * 1024, maxPooledBytes: 64 << 20, maxBatchBytes: 128 * 1024)
        let batch = pool.take()
        batch.events.grow(1 << 20)
        pool.recycle(batch)
        #expect(pool.pooledBytes == 0)
        #expect(pool.takeLarge() !== batch, "without a large list, a large batch is released")
    }
}

/// The large list: batches a source filled to a whole cut, kept for the next such batch and never
/// handed to a small sender (the ring counts a batch's whole buffer against its byte budget).
struct BatchPoolLargeListTests {
    private func pool(largePooledBytes: Int = 64 << 20, onAllocate: @escaping @Sendable () -> Void = {}) -> BatchPool {
        BatchPool(batchCapacity: 64 * 1024, maxPooledBytes: 16 << 20, maxBatchBytes: 256 << 10,
                  maxLargeBatchBytes: 4 << 20, maxLargePooledBytes: largePooledBytes, onAllocate: onAllocate)
    }

    private func largeBatch(from pool: BatchPool) -> IngestBatch {
        let batch = pool.take()
        batch.events.grow(2 << 20)
        return batch
    }

    @Test func aLargeBatchGoesOnlyToTakeLarge() {
        let pool = pool()
        let large = largeBatch(from: pool)
        pool.recycle(large)
        #expect(pool.pooledBytes == large.byteCount)
        let small = pool.take()
        #expect(small !== large, "a small sender must not be handed a large buffer")
        #expect(small.byteCount <= 256 << 10)
        let again = pool.takeLarge()
        #expect(again === large)
        #expect(again.isEmpty)
        #expect(pool.pooledBytes == 0)
    }

    @Test func takeLargeFallsBackToASmallBatch() {
        let pool = pool()
        let small = pool.take()
        pool.recycle(small)
        #expect(pool.takeLarge() === small)
    }

    @Test func theLargeListKeepsNoMoreThanItsBudget() {
        let pool = pool(largePooledBytes: 5 << 20)
        let batches = (0..<8).map { _ in largeBatch(from: pool) }
        for batch in batches { pool.recycle(batch) }
        let perBatch = batches[0].byteCount
        #expect(pool.pooledBytes == (5 << 20) / perBatch * perBatch, "as many whole batches as fit in 5 MiB")
    }

    @Test func everyCutInFlightComesBackWithRoomForTheRing() {
        // Four cuts of four 2 MiB batches each, committed together: all sixteen are kept, so the sources'
        // next sixteen full batches reuse them instead of mapping fresh buffers.
        let pool = pool(largePooledBytes: 64 << 20)
        let inFlight = (0..<16).map { _ in largeBatch(from: pool) }
        for batch in inFlight { pool.recycle(batch) }
        let reused = (0..<16).map { _ in pool.takeLarge() }
        #expect(Set(reused.map(ObjectIdentifier.init)) == Set(inFlight.map(ObjectIdentifier.init)))
    }

    @Test func onlyATakeThatFindsNothingAllocates() {
        let allocations = PThreadLock(0)
        let pool = pool(onAllocate: { allocations.withLock { $0 += 1 } })
        let small = pool.take()
        let large = largeBatch(from: pool)
        #expect(allocations.withLock { $0 } == 2)
        pool.recycle(small)
        pool.recycle(large)
        #expect(pool.takeLarge() === large)
        #expect(pool.take() === small)
        #expect(allocations.withLock { $0 } == 2, "a reused batch is not an allocation")
        _ = pool.take()
        #expect(allocations.withLock { $0 } == 3)
    }

    @Test func releaseLargeEmptiesOnlyTheLargeList() {
        let allocations = PThreadLock(0)
        let pool = pool(onAllocate: { allocations.withLock { $0 += 1 } })
        let small = pool.take()
        let large = (0..<3).map { _ in largeBatch(from: pool) }
        pool.recycle(small)
        for batch in large { pool.recycle(batch) }
        let largeBytes = large.map(\.byteCount).reduce(0, +)
        #expect(pool.releaseLarge() == largeBytes)
        #expect(pool.pooledBytes == small.byteCount, "the small list stays: HTTP bodies and reads reuse it")
        #expect(pool.releaseLarge() == 0)
        #expect(pool.takeLarge() === small, "no large batch left: takeLarge falls back to the small one")
        #expect(allocations.withLock { $0 } == 4)
        let next = pool.takeLarge()
        #expect(!large.contains { $0 === next }, "a released batch is not handed out again")
        #expect(allocations.withLock { $0 } == 5)
    }

    @Test func beyondTheLargeLimitABatchIsReleased() {
        let pool = pool()
        let batch = pool.take()
        batch.events.grow(8 << 20)
        pool.recycle(batch)
        #expect(pool.pooledBytes == 0)
    }
}
