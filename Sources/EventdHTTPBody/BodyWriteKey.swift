/// Finds the top-level `"writeKey"` string of a JSON object body without parsing the rest: keys
/// are compared at depth 1 only and every value is stepped over by structure (brackets and
/// strings). Bounded by the body size, which is capped before this runs. The full, strict parse
/// happens later in the decoder; a body this scan cannot read simply has no key here.
public enum BodyWriteKey {
    public static func find(in body: UnsafeRawBufferPointer) -> [UInt8]? {
        var index = 0
        let count = body.count
        func skipWhitespace() {
            while index < count, body[index] == 0x20 || body[index] == 0x0A || body[index] == 0x0D || body[index] == 0x09 {
                index += 1
            }
        }
        /// Steps over the string starting at `index` (a quote); returns its raw content range.
        func skipString() -> Range<Int>? {
            let start = index + 1
            index += 1
            while index < count {
                switch body[index] {
                case 0x5C: index += 2
                case 0x22:
                    index += 1
                    return start..<(index - 1)
                default: index += 1
                }
            }
            return nil
        }
        func skipValue() -> Bool {
            guard index < count else { return false }
            switch body[index] {
            case 0x22: return skipString() != nil
            case 0x7B, 0x5B:
                var depth = 0
                while index < count {
                    switch body[index] {
                    case 0x22: if skipString() == nil { return false }; continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { index += 1; return true }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                while index < count, body[index] != 0x2C, body[index] != 0x7D { index += 1 }
                return true
            }
        }
        if count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF { index = 3 }
        skipWhitespace()
        guard index < count, body[index] == 0x7B else { return nil }
        index += 1
        while true {
            skipWhitespace()
            guard index < count, body[index] == 0x22, let key = skipString() else { return nil }
            skipWhitespace()
            guard index < count, body[index] == 0x3A else { return nil }
            index += 1
            skipWhitespace()
            let isWriteKey = key.count == 8 && Array(body[key]) == Array("writeKey".utf8)
            if isWriteKey, index < count, body[index] == 0x22 {
                guard let value = skipString() else { return nil }
                let bytes = Array(body[value])
                // An escaped key cannot be a configured key (keys have no quotes or backslashes).
                return bytes.contains(0x5C) ? nil : bytes
            }
            guard skipValue() else { return nil }
            skipWhitespace()
            guard index < count, body[index] == 0x2C else { return nil }
            index += 1
        }
    }
}
