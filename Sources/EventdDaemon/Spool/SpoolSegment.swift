/// One segment file of the spool: `segment-<20-digit sequence>.log`, records appended in order.
struct SpoolSegment: Sendable {
    let sequence: UInt64
    /// Bytes of the file that hold records (the file may be longer by a torn tail).
    var size: Int
    /// Valid records in the file, replayed or not: what its removal is logged with.
    var records: Int

    static let prefix = "segment-"
    static let suffix = ".log"

    static func fileName(_ sequence: UInt64) -> String {
        let digits = String(sequence)
        return prefix + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    static func sequence(ofFileName name: String) -> UInt64? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        return UInt64(name.dropFirst(prefix.count).dropLast(suffix.count))
    }
}

/// A place in the spool: a segment and a byte offset in it.
struct SpoolPosition: Sendable, Equatable, CustomStringConvertible {
    var segment: UInt64
    var offset: Int
    var description: String { "\(SpoolSegment.fileName(segment))@\(offset)" }
}

/// Records read for replay, as batches for the loader, and where replay continues once they are committed.
struct SpoolChunk {
    let batches: [IngestBatch]
    let end: SpoolPosition
    let bytes: Int
    var rows: Int { batches.reduce(0) { $0 + $1.events.rowCount } }
}

import EventdCore
