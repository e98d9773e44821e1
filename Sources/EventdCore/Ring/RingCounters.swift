import Atomics

/// The ring's shared counters, each group on its own cache-line-sized block of
/// one aligned allocation.
///
/// Why separate lines: producers hammer `enqueuePosition` (CAS), the consumer
/// writes `dequeuePosition` on every pop, both sides update `reservedBytes`,
/// and the flags are read on every push/pop but written only on slow paths.
/// Sharing a line would make every pop invalidate the line every producer CASes.
///
/// Why 128 bytes and not 64: on x86-64 the L2 "adjacent line" prefetcher pulls
/// 64-byte lines in pairs, so two hot counters 64 bytes apart still ping-pong;
/// Apple silicon has 128-byte lines. Same choice as crossbeam's `CachePadded`
/// and Folly's `hardware_destructive_interference_size` on those targets.
/// Measured (dev package `RingThroughput`, release, 1 producer + 1 consumer,
/// 2-core x86-64 shared with other builds, median of 5): counters packed
/// together (0 padding) 4.2–5.6 M push/pop pairs/s; 64-byte spacing 9.4–11.8 M;
/// 128-byte 9.0–12.0 M. So separating them doubles throughput; 64 vs 128 was
/// within noise on that x86 box, and 128 is kept for the reasons above at a
/// cost of 256 bytes per ring. `lineSize` is a parameter only for that benchmark.
///
/// Not `ManagedAtomic`: each of those is its own heap object placed wherever
/// malloc likes (often adjacent), which defeats the padding.
struct RingCounters: @unchecked Sendable {
    static let defaultLineSize = 128

    /// Next position a producer will claim; bit `closedBit` is set by `close()`.
    let enqueuePosition: UnsafeAtomic<Int>
    /// Next position the (single) consumer will pop. Written by the consumer only.
    let dequeuePosition: UnsafeAtomic<Int>
    /// Bytes reserved by pushes and not yet released by pops.
    let reservedBytes: UnsafeAtomic<Int>
    /// Set by the consumer before it blocks in `waitForElements`; producers load
    /// it after each push (one plain load on x86-64) and signal only when set.
    let consumerSleeping: UnsafeAtomic<Bool>
    /// True while at least one `onSpaceAvailable` callback is registered; the
    /// consumer loads it after each pop and takes the slow path only when set.
    let spaceWaitersPending: UnsafeAtomic<Bool>
    /// Debug builds: detects a second consumer running concurrently.
    let consumerActive: UnsafeAtomic<Bool>
    /// Set by `interruptWait()`; the consumer's wait returns `.interrupted` once it sees it.
    let waitInterrupted: UnsafeAtomic<Bool>

    private let block: UnsafeMutableRawPointer

    init(lineSize: Int = RingCounters.defaultLineSize) {
        let line = max(lineSize, 8)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 4 * line, alignment: max(line, 16))
        func int(_ offset: Int) -> UnsafeAtomic<Int> {
            UnsafeAtomic(at: (raw + offset).initializeMemory(as: UnsafeAtomic<Int>.Storage.self, repeating: .init(0), count: 1))
        }
        func bool(_ offset: Int) -> UnsafeAtomic<Bool> {
            UnsafeAtomic(at: (raw + offset).initializeMemory(as: UnsafeAtomic<Bool>.Storage.self, repeating: .init(false), count: 1))
        }
        enqueuePosition = int(0)              // producers' line
        dequeuePosition = int(line)           // consumer's line
        reservedBytes = int(2 * line)         // both sides, RMW only
        consumerSleeping = bool(3 * line)     // read-mostly line
        spaceWaitersPending = bool(3 * line + 1)
        consumerActive = bool(3 * line + 2)
        waitInterrupted = bool(3 * line + 3)
        block = raw
    }

    /// Frees the block; no other thread may use the counters any more.
    func deallocate() {
        block.deallocate()
    }
}
