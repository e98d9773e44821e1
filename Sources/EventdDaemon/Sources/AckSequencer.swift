/// Puts a TCP connection's ack lines back in the order of the lines they answer.
///
/// In ack mode every line is its own batch, and the loader commits batches on more than one
/// PostgreSQL connection at a time, so line 3's batch can complete before line 2's. The sender is
/// promised one ack per line, in order (`"ack":N` is the line's number), so an ack that is ready
/// early waits here until every earlier one has been released.
///
/// Plain state: `TCPIngestHandler` numbers each line with `issue()`, hands each completion to
/// `completed(_:line:)`, and writes what comes back.
struct AckSequencer {
    /// The number of the last line numbered.
    private(set) var issued = 0
    /// The number of the next ack the sender is to read.
    private var nextToRelease = 1
    /// Acks ready before one of their predecessors; at most one per line still in flight.
    private var early: [Int: [UInt8]] = [:]

    /// Lines numbered whose ack has not been released yet (waiting for the loader, or for an earlier ack).
    var outstanding: Int { issued - (nextToRelease - 1) }

    /// Numbers the next line (1, 2, 3, …).
    mutating func issue() -> Int {
        issued += 1
        return issued
    }

    /// Takes the ack line of line `sequence`; returns the ack lines now due, in order: none while an
    /// earlier line is still waiting, else this one and every early one that directly follows it.
    mutating func completed(_ sequence: Int, line: [UInt8]) -> [[UInt8]] {
        precondition(sequence >= nextToRelease && sequence <= issued && early[sequence] == nil,
                     "ack \(sequence) completed twice or never issued")
        guard sequence == nextToRelease else {
            early[sequence] = line
            return []
        }
        var due = [line]
        nextToRelease += 1
        while let next = early.removeValue(forKey: nextToRelease) {
            due.append(next)
            nextToRelease += 1
        }
        return due
    }
}
