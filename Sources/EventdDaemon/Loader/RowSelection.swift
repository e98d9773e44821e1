import EventdCore
import EventdPostgres

/// A set of encoded rows drawn from one cut of batches, which the loader can write as one COPY
/// stream and split in halves to isolate a row the server refuses.
///
/// The whole cut is represented without copying: while no row is refused, `write(to:)` hands each
/// batch's buffer to libpq in one call. Only a split materialises per-row ranges.
struct RowSelection {
    struct Row: Sendable, Equatable {
        /// Index of the batch in the cut.
        let batch: Int
        /// Byte range of the row (including its newline) in the batch's event buffer.
        let range: Range<Int>
    }

    let batches: [IngestBatch]
    /// `nil` means every row of every batch, in order.
    private let selected: [Row]?

    static func all(of batches: [IngestBatch]) -> RowSelection {
        RowSelection(batches: batches, selected: nil)
    }

    var rowCount: Int {
        selected?.count ?? batches.reduce(0) { $0 + $1.events.rowCount }
    }

    var hasRejections: Bool { batches.contains { $0.rejections.rowCount > 0 } }

    /// Every selected row, as batch index and byte range.
    var rows: [Row] {
        if let selected { return selected }
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for (index, batch) in batches.enumerated() {
            for row in 0..<batch.events.rowCount {
                rows.append(Row(batch: index, range: batch.events.rowRange(row)))
            }
        }
        return rows
    }

    func halves() -> (RowSelection, RowSelection) {
        let rows = self.rows
        let middle = rows.count / 2
        return (
            RowSelection(batches: batches, selected: Array(rows[..<middle])),
            RowSelection(batches: batches, selected: Array(rows[middle...]))
        )
    }

    /// Calls `body` with the bytes of every selected row, in order, without materialising row ranges
    /// for a whole cut.
    func forEachRow(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard let selected else {
            for batch in batches {
                try batch.events.withUnsafeBytes { bytes in
                    for row in 0..<batch.events.rowCount {
                        try body(UnsafeRawBufferPointer(rebasing: bytes[batch.events.rowRange(row)]))
                    }
                }
            }
            return
        }
        for row in selected {
            try batches[row.batch].events.withUnsafeBytes { bytes in try body(UnsafeRawBufferPointer(rebasing: bytes[row.range])) }
        }
    }

    func write(to writer: CopyInWriter) throws {
        guard let selected else {
            for batch in batches {
                try batch.events.withUnsafeBytes { try writer.write($0) }
            }
            return
        }
        for row in selected {
            try batches[row.batch].events.withUnsafeBytes { bytes in
                try writer.write(UnsafeRawBufferPointer(rebasing: bytes[row.range]))
            }
        }
    }
}
