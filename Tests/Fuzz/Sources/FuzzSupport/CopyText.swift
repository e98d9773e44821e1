// What more than one fuzz target needs to read COPY text rows.

/// COPY text unescaping of one column.
public func unescape(_ field: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    var escaped = false
    for b in field {
        if escaped {
            out.append(b == 0x6E ? 0x0A : b == 0x72 ? 0x0D : b == 0x74 ? 0x09 : b)
            escaped = false
        } else if b == 0x5C {
            escaped = true
        } else {
            out.append(b)
        }
    }
    return out
}
