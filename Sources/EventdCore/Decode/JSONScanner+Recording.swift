extension JSONScanner {
    /// Scans the object at `pos` like `scanObject`, and records the values of the keys `scheme`
    /// knows into `slots` (looking inside `context`, `context.page` … on the way).
    /// With `skipBatch`, a top-level `batch` array is only stepped over structurally: its elements
    /// are validated one by one later, so one bad element does not fail the whole text.
    mutating func scanRecording(
        depth: Int, scheme: KeyScheme, slots: UnsafeMutablePointer<JSONValueRef>, skipBatch: Bool = false
    ) throws(ScanFailure) -> UInt8 {
        guard depth <= maxDepth else { throw .tooDeep }
        pos += 1  // {
        skipWhitespace()
        var flags: UInt8 = 0
        if pos < end, base[pos] == 0x7D { pos += 1; return 0 }
        repeat {
            if let slot = try scanMemberKey(scheme, flags: &flags) {
                if slot == .batch, skipBatch, base[pos] == 0x5B {
                    let start = pos
                    guard let e = JSONSkipper.valueEnd(base, start: pos, end: end) else { throw .malformed }
                    pos = e
                    slots[slot.rawValue] = JSONValueRef(start: Int32(start), end: Int32(e), kind: .array, flags: 0)
                } else {
                    flags |= try recordValue(of: slot, depth: depth + 1, slots: slots)
                }
            } else {
                flags |= try scanValue(depth: depth + 1).flags
            }
        } while try scanMemberEnd()
        return flags & JSONValueRef.needsSanitizing
    }

    /// Scans a member's key (at `pos`) and the colon after it, stopping on the first byte of the
    /// value. Returns the key's slot in `scheme`, if it has one; the key's flags go into `flags`.
    @inline(__always)
    mutating func scanMemberKey(_ scheme: KeyScheme, flags: inout UInt8) throws(ScanFailure) -> EventSlot? {
        guard pos < end, base[pos] == 0x22 else { throw .malformed }
        let keyStart = pos + 1
        let keyFlags = try scanString()
        flags |= keyFlags
        // Keys with escapes never match a known field (a sender spelling "\u0074ype" is on its own).
        let slot = keyFlags == 0 ? scheme.slot(base + keyStart, pos - 1 - keyStart) : nil
        try expect(0x3A)
        skipWhitespace()
        guard pos < end else { throw .malformed }
        return slot
    }

    /// Scans the value at `pos` (a member's value at `depth`) and records it in `slot`, looking inside
    /// it when `slot` is an object whose keys are recorded too. Returns the value's flags.
    @inline(__always)
    mutating func recordValue(
        of slot: EventSlot, depth: Int, slots: UnsafeMutablePointer<JSONValueRef>
    ) throws(ScanFailure) -> UInt8 {
        let start = pos
        let child = KeyScheme.child(of: slot)
        if child != .none, base[pos] == 0x7B {
            let f = try scanRecording(depth: depth, scheme: child, slots: slots)
            slots[slot.rawValue] = JSONValueRef(start: Int32(start), end: Int32(pos), kind: .object, flags: f)
            return f
        }
        let v = try scanValue(depth: depth)
        slots[slot.rawValue] = v
        return v.flags
    }

    /// After a member's value: consumes the `,` before the next member (true) or the object's
    /// closing `}` (false), or fails.
    @inline(__always)
    mutating func scanMemberEnd() throws(ScanFailure) -> Bool {
        skipWhitespace()
        guard pos < end else { throw .malformed }
        let c = base[pos]
        pos += 1
        if c == 0x2C { skipWhitespace(); return true }
        if c == 0x7D { return false }
        throw .malformed
    }
}
