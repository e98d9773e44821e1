import EventdCore

extension RowSelection {
    /// Re-encodes the selected rows (COPY text) as one binary COPY stream, header to trailer, through `scratch`.
    /// Measured in Benchmarks/RESULTS.md ("Binary COPY"): eventd's CPU for this is small next to the
    /// PostgreSQL CPU binary saves.
    ///
    /// The stream is handed to `flush` whenever `scratch` holds at least `chunkBytes`, and `scratch` is
    /// emptied: a cut in flight then holds one chunk of binary, not its whole payload (~3–4 MB at 5,000
    /// rows, per COPY stream; "Memory of cuts in flight" in RESULTS.md). The end of the stream is flushed
    /// too; `scratch` keeps it until the next call.
    /// - Returns: false when a row is not one `BinaryCopyEncoder` reads (the rows before it may already
    ///   have been flushed: the caller abandons the stream); the end of the stream is then not flushed.
    func encodeBinary(
        into scratch: RowBuffer, chunkBytes: Int, flush: (RowBuffer) throws -> Void
    ) rethrows -> Bool {
        precondition(chunkBytes > 0, "a chunk holds at least one byte")
        BinaryCopyEncoder.beginStream(scratch)
        var ok = true
        try forEachRow { row in
            guard ok else { return }
            ok = BinaryCopyEncoder.appendEventTuple(fromTextRow: row, to: scratch)
            if ok, scratch.count >= chunkBytes {
                try flush(scratch)
                scratch.removeAll(keepingCapacity: true)
            }
        }
        guard ok else { return false }
        BinaryCopyEncoder.endStream(scratch)
        try flush(scratch)
        return true
    }

    /// The whole stream in `out` (tests, and comparing with the chunked stream).
    /// - Returns: false when a row is not one `BinaryCopyEncoder` reads; `out` is then not a stream.
    func encodeBinary(into out: RowBuffer) -> Bool {
        encodeBinary(into: out, chunkBytes: .max) { _ in }
    }
}
