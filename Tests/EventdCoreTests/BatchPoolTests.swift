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
    }
}
