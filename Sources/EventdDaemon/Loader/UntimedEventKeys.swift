import Foundation

/// The dedup keys of events sent with an id but without a timestamp, for
/// `analytics.untimed_event_ids` (010_security_hardening.sql).
///
/// `analytics.events` is keyed by `(event_id, original_timestamp)`; without a client timestamp,
/// `original_timestamp` is the receipt time, so a resend of the same `messageId` would get a new key
/// and be stored again. The loader COPYs `(event_id, original_timestamp)` of every such row into
/// `analytics.untimed_event_ids` (primary key `event_id`) in the same transaction as the events: a
/// resend raises 23505 there and the cut goes through the staging path, which skips it.
///
/// "Untimed" is decided from the encoded row alone (so spooled and replayed rows are judged alike),
/// exactly as the staging SQL decides it: `message_id` is not `\N` and `original_timestamp` equals
/// `received_at` (the encoder writes both with the same formatter, so equal values are equal bytes).
struct UntimedEventKeys {
    /// `event_id \t original_timestamp \n` per untimed row; capacity is kept between cuts, so the
    /// steady state allocates nothing.
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4096) }

    var isEmpty: Bool { bytes.isEmpty }

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// Appends the row's key when the row is untimed. `row` is one encoded analytics.events row
    /// (columns in `CopyRowEncoder.eventsColumnList` order: event_id 1st, message_id 2nd,
    /// original_timestamp 9th, received_at 11th).
    ///
    /// Every row of every cut passes here, so the tabs are found with `memchr` and the timestamps
    /// compared with `memcmp` (both vectorised in glibc): the byte-at-a-time loop this replaced was
    /// ~8 % of eventd's CPU under TCP flat out (Benchmarks/RESULTS.md, "Where eventd's CPU goes
    /// beside a real PostgreSQL").
    mutating func appendIfUntimed(row: UnsafeRawBufferPointer) {
        guard let base = row.baseAddress else { return }
        let n = row.count
        // Start offsets of the first 11 columns; the columns after them are never read.
        var starts: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let found = withUnsafeMutableBytes(of: &starts) { raw -> Bool in
            let s = raw.bindMemory(to: Int.self)
            var at = 0
            for column in 1...11 {
                guard at < n, let tab = memchr(base + at, 0x09, n - at) else { return false }
                at = base.distance(to: UnsafeRawPointer(tab)) + 1
                s[column] = at
            }
            return true
        }
        guard found else { return }
        let eventID = starts.0..<(starts.1 - 1)
        let message = starts.1..<(starts.2 - 1)
        let original = starts.8..<(starts.9 - 1)
        let received = starts.10..<(starts.11 - 1)
        // message_id NULL is written as \N.
        if message.count == 2, row[message.lowerBound] == 0x5C, row[message.lowerBound + 1] == 0x4E { return }
        guard original.count == received.count,
              memcmp(base + original.lowerBound, base + received.lowerBound, original.count) == 0 else { return }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: row[eventID]))
        bytes.append(0x09)
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: row[original]))
        bytes.append(0x0A)
    }
}
