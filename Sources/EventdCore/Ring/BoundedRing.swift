import Atomics
import Dispatch

/// A bounded, lock-free, multi-producer single-consumer FIFO that carries
/// encoded row batches from the network event loops to the loader thread.
///
/// - Producers (any number of threads) call ``tryPush(_:)``. It never blocks:
///   when the ring has no free slot, or the element would take the reserved
///   bytes past ``byteLimit``, it returns `false` and the caller backpressures
///   (register ``onSpaceAvailable(_:)`` and stop reading the socket) or counts
///   a drop.
/// - Exactly one consumer thread calls ``tryPop()`` and
///   ``waitForElements(timeout:)``. Debug builds trap if two threads consume at
///   once. One consumer lets the dequeue index be a plain store instead of a CAS.
/// - ``close()`` makes every later push fail; the consumer drains what is left
///   and then ``waitForElements(timeout:)`` returns ``RingWaitResult/closed``.
///
/// The push/pop paths take no lock and allocate nothing: a bounded number of
/// atomic operations on the slot (Dmitry Vyukov's bounded MPMC queue, with the
/// consumer side simplified for one consumer) plus the counters in
/// ``RingCounters``. Only the blocking wait and the space-available callbacks
/// use a semaphore or a lock, and only once the fast path has seen the ring
/// empty or a waiter registered.
///
/// `@unchecked Sendable` because the compiler cannot see the protocol that makes
/// the unsafe memory safe to share:
/// - every counter is an atomic;
/// - a slot's element memory is written only by the one producer whose CAS on
///   `enqueuePosition` claimed that position, published by a release store of
///   the slot's sequence, and read only by the consumer after an acquire load of
///   that sequence; the consumer hands the slot back with a release store that
///   the next producer acquires. So each slot has exactly one owner at a time;
/// - the callback list is behind a mutex (``RingSpaceWaiters``);
/// - everything else is immutable after `init`.
///
/// `Element` must be `Sendable` (via ``RingElement``) since it crosses threads.
public final class BoundedRing<Element: RingElement>: @unchecked Sendable {
    /// Number of slots: the requested capacity rounded up to a power of two (at least 2).
    public let capacity: Int
    /// Upper bound on the sum of ``RingElement/byteCount`` of the elements in the ring.
    public let byteLimit: Int

    /// Set in `enqueuePosition` by `close()`. Positions never reach 2^62
    /// (146 years at 10^9 pushes/s), so the bit is free. Living in the same word
    /// as the position makes close linearizable with pushes: a push's CAS from
    /// an unclosed position fails once the bit is set, so no element can slip in
    /// after the consumer has seen "closed and empty".
    static var closedBit: Int { 1 << 62 }

    let mask: Int
    /// Callbacks fire once the ring is at or below these (half full by default).
    let lowWaterCount: Int
    let lowWaterBytes: Int
    let slots: RingSlots<Element>
    let counters: RingCounters
    /// Wakes the consumer; signalled at most once per sleep (see `wakeConsumer`).
    let consumerWakeup = DispatchSemaphore(value: 0)
    /// Producers waiting for room, in registration order.
    let spaceWaiters = RingSpaceWaiters()

    /// Creates an empty ring.
    ///
    /// - Parameters:
    ///   - capacity: Number of slots. Rounded up to the next power of two (so
    ///     positions map to slots with a mask), and to at least 2 (Vyukov's
    ///     sequence scheme cannot tell "full" from "free" with one slot).
    ///     Must be between 1 and 2^30.
    ///   - byteLimit: Bound on the total ``RingElement/byteCount`` of queued
    ///     elements. An element bigger than the whole limit is admitted only into
    ///     a ring that holds no bytes at all, so it is delayed, never refused forever.
    public convenience init(capacity: Int, byteLimit: Int = .max) {
        self.init(capacity: capacity, byteLimit: byteLimit, counterLineSize: RingCounters.defaultLineSize)
    }

    /// Same as ``init(capacity:byteLimit:)`` with the counters spaced
    /// `counterLineSize` bytes apart instead of 128; exists only so a benchmark
    /// can measure the padding (SPI, not for production use).
    @_spi(RingBenchmark)
    public init(capacity: Int, byteLimit: Int, counterLineSize: Int) {
        precondition(capacity >= 1 && capacity <= 1 << 30, "ring capacity must be in 1...2^30, got \(capacity)")
        precondition(byteLimit >= 1, "ring byteLimit must be positive, got \(byteLimit)")
        var rounded = 2
        while rounded < capacity { rounded <<= 1 }
        self.capacity = rounded
        self.byteLimit = byteLimit
        self.mask = rounded - 1
        self.lowWaterCount = rounded / 2
        self.lowWaterBytes = byteLimit / 2
        self.slots = RingSlots(capacity: rounded)
        self.counters = RingCounters(lineSize: counterLineSize)
    }

    deinit {
        // No other thread can hold `self`, so no push is half done: every
        // position between the indices holds a published element to destroy.
        var position = counters.dequeuePosition.load(ordering: .relaxed)
        let end = counters.enqueuePosition.load(ordering: .relaxed) & ~Self.closedBit
        while position != end {
            _ = slots.move(position & mask)
            position &+= 1
        }
        slots.deallocate(capacity: capacity)
        counters.deallocate()
    }

    /// Elements in the ring, including pushes that have claimed a slot but not
    /// yet published it. Exact only when no other thread is pushing or popping;
    /// meant for gauges and tests.
    public var approximateCount: Int {
        let dequeued = counters.dequeuePosition.load(ordering: .relaxed)
        let enqueued = counters.enqueuePosition.load(ordering: .relaxed) & ~Self.closedBit
        return min(max(enqueued &- dequeued, 0), capacity)
    }

    /// Bytes reserved by queued elements (and pushes in progress); for gauges.
    public var approximateByteCount: Int {
        counters.reservedBytes.load(ordering: .relaxed)
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool {
        counters.enqueuePosition.load(ordering: .relaxed) & Self.closedBit != 0
    }
}
