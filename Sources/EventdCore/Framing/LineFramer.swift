#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// NDJSON framing: turns a byte stream (TCP) or one datagram (UDP) into complete lines.
///
/// - `\n` ends a line; a `\r` before it is dropped; blank (whitespace-only) lines are skipped.
/// - A partial line is carried across `feed` calls (copied once, into a buffer reused forever).
/// - A line longer than `maxLineBytes` is not buffered: the framer keeps only its first
///   `CopyRowEncoder.maxRawBytes` bytes (for the dead letter), counts and drops the rest, resyncs at
///   the next newline and reports `.oversize` — the caller turns that into a refusal with
///   `oversizeReason` (`event_too_large` for one-event lines, `batch_too_large` for batch lines).
///
/// A plain state machine: no I/O; frames are handed to a closure, valid only during the call.
public struct LineFramer {
    /// What the framer found.
    public enum Frame {
        /// One complete line, without its line ending.
        case line(UnsafeRawBufferPointer)
        /// A line over the limit, dropped: its first bytes (≤ 8 KiB) and its full size.
        case oversize(prefix: UnsafeRawBufferPointer, size: Int)
    }

    public let maxLineBytes: Int
    public let oversizeReason: RejectReason
    private var carry: [UInt8] = []
    private var discarding = false
    private var discardedSize = 0
    /// Of the line being discarded: its last byte so far (a final `\r` is not content) and whether any byte
    /// was not blank — so an oversize line is reported the same however the stream was split into reads.
    private var discardedLast: UInt8 = 0
    private var discardedHasContent = false

    public init(maxLineBytes: Int = 32 * 1024, oversizeReason: RejectReason = .eventTooLarge) {
        precondition(maxLineBytes > 0)
        self.maxLineBytes = maxLineBytes
        self.oversizeReason = oversizeReason
    }

    /// Bytes of an unfinished line held between reads.
    public var pendingByteCount: Int { discarding ? discardedSize : carry.count }

    /// Feeds the next bytes of the stream.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (Frame) throws -> Void) rethrows {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = bytes.count
        var start = 0
        while start < n {
            guard let hit = memchr(base + start, 0x0A, n - start) else {
                absorb(base + start, n - start)
                return
            }
            let k = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if discarding {
                discardedSize += k - start
                noteDiscarded(base + start, k - start)
                if carry.count < CopyRowEncoder.maxRawBytes { keepPrefix(base + start, k - start) }
                try finishOversize(body)
            } else if carry.isEmpty {
                try emit(base + start, k - start, body)  // zero-copy: the whole line is in this read
            } else if carry.count + (k - start) > maxLineBytes + 1 {
                startDiscarding(base + start, k - start)
                try finishOversize(body)
            } else {
                carry.append(contentsOf: UnsafeBufferPointer(start: base + start, count: k - start))
                try carry.withUnsafeBufferPointer { try emit($0.baseAddress!, $0.count, body) }
                carry.removeAll(keepingCapacity: true)
            }
            start = k + 1
        }
    }

    /// End of stream: a final line without a newline still counts.
    public mutating func finish(_ body: (Frame) throws -> Void) rethrows {
        if discarding {
            try finishOversize(body)
        } else if !carry.isEmpty {
            try carry.withUnsafeBufferPointer { try emit($0.baseAddress!, $0.count, body) }
            carry.removeAll(keepingCapacity: true)
        }
    }

    /// Frames one datagram (no state carried between datagrams; a last line needs no newline).
    public static func forEachLine(
        inDatagram bytes: UnsafeRawBufferPointer, maxLineBytes: Int, _ body: (Frame) throws -> Void
    ) rethrows {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let framer = LineFramer(maxLineBytes: maxLineBytes)
        var start = 0
        let n = bytes.count
        while start < n {
            let k: Int
            if let hit = memchr(base + start, 0x0A, n - start) {
                k = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            } else {
                k = n
            }
            try framer.emit(base + start, k - start, body)
            start = k + 1
        }
    }

    private func emit(_ p: UnsafePointer<UInt8>, _ count: Int, _ body: (Frame) throws -> Void) rethrows {
        var n = count
        if n > 0, p[n - 1] == 0x0D { n -= 1 }
        var blank = true
        for i in 0..<n where p[i] != 0x20 && p[i] != 0x09 && p[i] != 0x0D {
            blank = false
            break
        }
        if blank { return }
        if n > maxLineBytes {
            try body(.oversize(prefix: UnsafeRawBufferPointer(start: p, count: min(n, CopyRowEncoder.maxRawBytes)), size: n))
        } else {
            try body(.line(UnsafeRawBufferPointer(start: p, count: n)))
        }
    }

    /// Holds a partial line, or switches to discarding when it outgrows the limit.
    private mutating func absorb(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if discarding {
            discardedSize += n
            noteDiscarded(p, n)
            if carry.count < CopyRowEncoder.maxRawBytes { keepPrefix(p, n) }
        } else if carry.count + n > maxLineBytes + 1 {  // +1: a trailing \r is not content
            startDiscarding(p, n)
        } else {
            if carry.capacity == 0 { carry.reserveCapacity(min(maxLineBytes + 1, 64 * 1024)) }
            carry.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        }
    }

    /// The held partial line plus `p[0..<n]` pass the limit: from here on only a prefix is kept.
    private mutating func startDiscarding(_ p: UnsafePointer<UInt8>, _ n: Int) {
        discarding = true
        discardedSize = carry.count + n
        discardedLast = carry.last ?? 0
        discardedHasContent = carry.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
        noteDiscarded(p, n)
        keepPrefix(p, n)
    }

    private mutating func noteDiscarded(_ p: UnsafePointer<UInt8>, _ n: Int) {
        guard n > 0 else { return }
        discardedLast = p[n - 1]
        if discardedHasContent { return }
        for i in 0..<n where p[i] != 0x20 && p[i] != 0x09 && p[i] != 0x0D {
            discardedHasContent = true
            return
        }
    }

    private mutating func keepPrefix(_ p: UnsafePointer<UInt8>, _ n: Int) {
        let room = CopyRowEncoder.maxRawBytes - carry.count
        if room > 0 { carry.append(contentsOf: UnsafeBufferPointer(start: p, count: min(room, n))) }
        if carry.count > CopyRowEncoder.maxRawBytes { carry.removeSubrange(CopyRowEncoder.maxRawBytes...) }
    }

    private mutating func finishOversize(_ body: (Frame) throws -> Void) rethrows {
        var size = discardedSize
        // As `emit` does for a line read whole: a final `\r` is not part of the line, and a blank line is skipped.
        if discardedLast == 0x0D {
            size -= 1
            if carry.count > size { carry.removeLast() }
        }
        let blank = !discardedHasContent
        discarding = false
        discardedSize = 0
        discardedLast = 0
        discardedHasContent = false
        defer { carry.removeAll(keepingCapacity: true) }
        if blank { return }
        try carry.withUnsafeBytes { try body(.oversize(prefix: $0, size: size)) }
    }
}

extension LineFramer {
    /// The refusal for an `.oversize` frame (encode it with `CopyRowEncoder.appendRejection(…, rawSize: size …)`).
    public func rejection(forOversize size: Int) -> Rejection {
        Rejection(
            index: nil, messageId: nil, reason: oversizeReason,
            detail: "The line is \(size) bytes; the limit is \(maxLineBytes).", rawRange: 0..<min(size, CopyRowEncoder.maxRawBytes))
    }
}
