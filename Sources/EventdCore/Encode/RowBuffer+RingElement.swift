extension RowBuffer: RingElement {
    /// What a queued buffer pins: its allocated storage, not just the bytes written.
    public var byteCount: Int { capacity }
}
