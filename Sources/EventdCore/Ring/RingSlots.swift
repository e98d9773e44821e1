import Atomics

/// One slot of the ring as it is laid out in memory. Never created as a whole
/// value: `RingSlots` reaches its fields through pointers, because `sequence`
/// is accessed atomically while `element` is initialized and moved by hand.
struct RingSlot<Element> {
    /// Vyukov's per-slot sequence number. For the slot at index `i` and a ring
    /// position `p` with `p & mask == i`:
    ///   `sequence == p`      the slot is free for the producer that claims `p`;
    ///   `sequence == p + 1`  the element pushed at `p` is published for the consumer;
    ///   `sequence == p + capacity` after the consumer took it: free for position `p + capacity`.
    var sequence: UnsafeAtomic<Int>.Storage
    /// The byte count reserved when the element was pushed, released on pop.
    var byteCount: Int
    /// Initialized only while `sequence == p + 1` (and by the producer just before).
    var element: Element
}

/// The slots of a ``BoundedRing``: one contiguous allocation, sequence number,
/// byte count and element side by side so a push or a pop touches one cache
/// line of slot memory, not two parallel arrays.
///
/// Slots are deliberately not padded to a cache line each: elements are small
/// handles (a batch struct or reference), padding would multiply the memory
/// of a 64k-slot ring by ~5, and Vyukov's algorithm already keeps producers on
/// different slots. A `struct` with unsafe pointers: `BoundedRing` owns the
/// memory and frees it in `deinit`.
struct RingSlots<Element>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<RingSlot<Element>>
    // Field offsets, computed once: Swift does not promise a field order.
    private let sequenceOffset: Int
    private let byteCountOffset: Int
    private let elementOffset: Int

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        sequenceOffset = MemoryLayout<RingSlot<Element>>.offset(of: \.sequence)!
        byteCountOffset = MemoryLayout<RingSlot<Element>>.offset(of: \.byteCount)!
        elementOffset = MemoryLayout<RingSlot<Element>>.offset(of: \.element)!
        for index in 0..<capacity {
            sequencePointer(index).initialize(to: UnsafeAtomic<Int>.Storage(index))
        }
    }

    /// Frees the memory. Elements still initialized must have been moved out first.
    func deallocate(capacity: Int) {
        for index in 0..<capacity {
            _ = sequencePointer(index).move().dispose()
        }
        base.deallocate()
    }

    @inline(__always)
    private func field(_ index: Int, _ offset: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(base + index) + offset
    }

    @inline(__always)
    private func sequencePointer(_ index: Int) -> UnsafeMutablePointer<UnsafeAtomic<Int>.Storage> {
        field(index, sequenceOffset).assumingMemoryBound(to: UnsafeAtomic<Int>.Storage.self)
    }

    /// The sequence number of slot `index`, as an atomic.
    @inline(__always)
    func sequence(_ index: Int) -> UnsafeAtomic<Int> {
        UnsafeAtomic(at: sequencePointer(index))
    }

    /// Stores an element into a slot the caller has claimed (not yet published).
    @inline(__always)
    func initialize(_ index: Int, element: consuming Element, byteCount: Int) {
        field(index, byteCountOffset).assumingMemoryBound(to: Int.self).pointee = byteCount
        field(index, elementOffset).assumingMemoryBound(to: Element.self).initialize(to: element)
    }

    /// Moves the element out of a published slot, leaving its memory uninitialized.
    @inline(__always)
    func move(_ index: Int) -> (element: Element, byteCount: Int) {
        let byteCount = field(index, byteCountOffset).assumingMemoryBound(to: Int.self).pointee
        let element = field(index, elementOffset).assumingMemoryBound(to: Element.self).move()
        return (element, byteCount)
    }
}
