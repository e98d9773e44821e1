import EventdCore

extension RowSelection {
    /// Re-encodes the selected rows (COPY text) as one binary COPY stream in `out`, header to trailer.
    /// Measured in Benchmarks/RESULTS.md ("Binary COPY"): eventd's CPU for this is small next to the
    /// PostgreSQL CPU binary saves.
    /// - Returns: false when a row is not one `BinaryCopyEncoder` reads; `out` is then not a stream.
    func encodeBinary(into out: RowBuffer) -> Bool {
        BinaryCopyEncoder.beginStream(out)
        var ok = true
        forEachRow { row in
            if ok { ok = BinaryCopyEncoder.appendEventTuple(fromTextRow: row, to: out) }
        }
        BinaryCopyEncoder.endStream(out)
        return ok
    }
}
