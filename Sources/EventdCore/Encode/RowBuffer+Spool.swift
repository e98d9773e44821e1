/// Refilling a buffer from rows that were encoded earlier and kept elsewhere (the disk spool).
extension RowBuffer {
    /// Appends complete COPY text rows (each ends with `\n`) read back from storage, rebuilding the
    /// row starts by finding the newlines. COPY text format escapes a newline inside a value as `\n`,
    /// so a raw 0x0A only ever ends a row.
    ///
    /// - Returns: false (and leaves the buffer as it was) when `bytes` does not end with a newline,
    ///   i.e. is not a whole number of rows.
    @discardableResult
    public func appendEncodedRows(_ bytes: UnsafeRawBufferPointer, minOccurredAt: Int64, maxOccurredAt: Int64) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        guard bytes[bytes.count - 1] == 0x0A else { return false }
        let start = count
        append(base.assumingMemoryBound(to: UInt8.self), bytes.count)
        var rowStart = 0
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            state.pointee.rowStarts.append(start + rowStart)
            rowStart = i + 1
        }
        if minOccurredAt < self.minOccurredAt { state.pointee.minOccurredAt = minOccurredAt }
        if maxOccurredAt > self.maxOccurredAt { state.pointee.maxOccurredAt = maxOccurredAt }
        return true
    }
}
