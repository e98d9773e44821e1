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
        while true {
            guard pos < end, base[pos] == 0x22 else { throw .malformed }
            let keyStart = pos + 1
            let keyFlags = try scanString()
            flags |= keyFlags
            // Keys with escapes never match a known field (a sender spelling "\u0074ype" is on its own).
            let slot = keyFlags == 0 ? scheme.slot(base + keyStart, pos - 1 - keyStart) : nil
            try expect(0x3A)
            skipWhitespace()
            guard pos < end else { throw .malformed }
            if let slot {
                let start = pos
                let child = KeyScheme.child(of: slot)
                if child != .none, base[pos] == 0x7B {
                    let f = try scanRecording(depth: depth + 1, scheme: child, slots: slots)
                    slots[slot.rawValue] = JSONValueRef(start: Int32(start), end: Int32(pos), kind: .object, flags: f)
                    flags |= f
                } else if slot == .batch, skipBatch, base[pos] == 0x5B {
                    guard let e = JSONSkipper.valueEnd(base, start: pos, end: end) else { throw .malformed }
                    pos = e
                    slots[slot.rawValue] = JSONValueRef(start: Int32(start), end: Int32(e), kind: .array, flags: 0)
                } else {
                    let v = try scanValue(depth: depth + 1)
                    slots[slot.rawValue] = v
                    flags |= v.flags
                }
            } else {
                flags |= try scanValue(depth: depth + 1).flags
            }
            skipWhitespace()
            guard pos < end else { throw .malformed }
            let c = base[pos]
            pos += 1
            if c == 0x2C { skipWhitespace(); continue }
            if c == 0x7D { return flags & JSONValueRef.needsSanitizing }
            throw .malformed
        }
    }
}
