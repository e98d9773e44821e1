/// Which COPY target a `RowBuffer` holds rows for.
public enum CopyTable: String, Sendable {
    /// `analytics.events`, columns `CopyRowEncoder.eventsColumnList`.
    case events = "analytics.events"
    /// `analytics.rejected_events`, columns `CopyRowEncoder.rejectedColumnList`.
    case rejectedEvents = "analytics.rejected_events"
}

/// A reusable, growable byte buffer of complete PostgreSQL COPY text rows (each ends with `\n`),
/// plus what the loader needs to commit it: the row count, where each row starts (to split a
/// batch and isolate a poison row), and the min/max `occurred_at` (to know which partitions it hits).
///
/// Ownership, not locking: exactly one party (a decoder, then the ring, then the loader) holds a
/// buffer at a time, so it is `@unchecked Sendable`. `removeAll(keepingCapacity: true)` lets the
/// loader hand it back to a pool so steady state allocates nothing.
public final class RowBuffer: @unchecked Sendable {
    /// The table whose column list these rows follow.
    public let table: CopyTable

    /// Mutable state lives behind a pointer: stored `var`s of a class pay a dynamic exclusivity
    /// check (swift_beginAccess, a TLS lookup) on every access — measured ~15% of decode time.
    @usableFromInline struct State {
        var storage: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var count = 0
        var rowStarts: [Int] = []
        var minOccurredAt: Int64 = .max
        var maxOccurredAt: Int64 = .min
    }
    @usableFromInline let state: UnsafeMutablePointer<State>

    @usableFromInline var storage: UnsafeMutablePointer<UInt8> { state.pointee.storage }
    @usableFromInline var capacity: Int { state.pointee.capacity }
    /// Bytes of row text held.
    public var count: Int { state.pointee.count }
    /// Byte offset where each row starts; `rowStarts.count == rowCount`.
    public var rowStarts: [Int] { state.pointee.rowStarts }
    /// Smallest and largest `occurred_at` of the rows (µs since epoch); `Int64.max`/`Int64.min` when empty
    /// or for rejected-event buffers (they use `received_at`).
    public var minOccurredAt: Int64 { state.pointee.minOccurredAt }
    public var maxOccurredAt: Int64 { state.pointee.maxOccurredAt }

    /// Rows held.
    public var rowCount: Int { state.pointee.rowStarts.count }
    public var isEmpty: Bool { state.pointee.rowStarts.isEmpty }

    public init(table: CopyTable = .events, initialCapacity: Int = 64 * 1024) {
        self.table = table
        let capacity = max(initialCapacity, 256)
        state = .allocate(capacity: 1)
        state.initialize(to: State(storage: .allocate(capacity: capacity), capacity: capacity))
        state.pointee.rowStarts.reserveCapacity(256)
    }

    deinit {
        state.pointee.storage.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The row text (`count` bytes), valid only inside `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// The byte range of row `i` (including its trailing newline).
    public func rowRange(_ i: Int) -> Range<Int> {
        let starts = state.pointee.rowStarts
        return starts[i] ..< (i + 1 < starts.count ? starts[i + 1] : count)
    }

    /// Empties the buffer; keeps its memory when asked (the normal case: buffers are recycled).
    public func removeAll(keepingCapacity: Bool = true) {
        state.pointee.count = 0
        state.pointee.rowStarts.removeAll(keepingCapacity: keepingCapacity)
        state.pointee.minOccurredAt = .max
        state.pointee.maxOccurredAt = .min
        if !keepingCapacity, capacity > 64 * 1024 {
            state.pointee.storage.deallocate()
            state.pointee.capacity = 64 * 1024
            state.pointee.storage = .allocate(capacity: 64 * 1024)
        }
    }

    /// Appends whole rows copied from another buffer of the same table (the loader's split/merge).
    public func appendRows(of other: RowBuffer, _ rows: Range<Int>) {
        precondition(other.table == table)
        for i in rows {
            let r = other.rowRange(i)
            state.pointee.rowStarts.append(count)
            append(other.storage + r.lowerBound, r.count)
        }
        if other.minOccurredAt < minOccurredAt { state.pointee.minOccurredAt = other.minOccurredAt }
        if other.maxOccurredAt > maxOccurredAt { state.pointee.maxOccurredAt = other.maxOccurredAt }
    }

    // MARK: - Writing (module-internal: rows are written only by the encoders)

    /// A point to roll back to when a row turns out invalid half-way through writing it.
    struct Mark { let count: Int; let rows: Int; let minOccurred: Int64; let maxOccurred: Int64 }

    var mark: Mark { Mark(count: count, rows: rowCount, minOccurred: minOccurredAt, maxOccurred: maxOccurredAt) }

    func rollback(to m: Mark) {
        state.pointee.count = m.count
        if rowCount > m.rows { state.pointee.rowStarts.removeSubrange(m.rows...) }
        state.pointee.minOccurredAt = m.minOccurred
        state.pointee.maxOccurredAt = m.maxOccurred
    }

    @inline(__always) func beginRow() { state.pointee.rowStarts.append(state.pointee.count) }

    @inline(__always) func noteOccurredAt(_ t: Int64) {
        if t < state.pointee.minOccurredAt { state.pointee.minOccurredAt = t }
        if t > state.pointee.maxOccurredAt { state.pointee.maxOccurredAt = t }
    }

    /// Makes room for `n` more bytes and returns where they go; the caller then calls `advance`.
    @inline(__always) func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        let st = state
        if st.pointee.count + n > st.pointee.capacity { grow(st.pointee.count + n) }
        return st.pointee.storage + st.pointee.count
    }

    @inline(__always) func advance(_ n: Int) { state.pointee.count += n }

    @inline(never) func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let s = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        s.update(from: storage, count: count)
        storage.deallocate()
        state.pointee.storage = s
        state.pointee.capacity = c
    }

    @inline(__always) func append(_ b: UInt8) {
        let st = state
        if st.pointee.count == st.pointee.capacity { grow(st.pointee.count + 1) }
        st.pointee.storage[st.pointee.count] = b
        st.pointee.count += 1
    }

    @inline(__always) func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        let dst = reserve(n)
        dst.update(from: p, count: n)
        state.pointee.count += n
    }

    @inline(__always) func append(_ s: StaticString) {
        append(s.utf8Start, s.utf8CodeUnitCount)
    }

    /// `\t` between columns and `\N` for NULL: tiny helpers kept here so encoders read as column lists.
    @inline(__always) func tab() { append(0x09) }
    @inline(__always) func null() { let d = reserve(2); d[0] = 0x5C; d[1] = 0x4E; state.pointee.count += 2 }
}
