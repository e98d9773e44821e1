/// A refused payload is kept (its first 8 KiB, `analytics.rejected_events.raw`) so that people can
/// see what was wrong with it — people who may not see write keys. A body that is refused whole
/// (malformed JSON, a bad form) can carry its secret `writeKey`: its value is masked with `*`,
/// byte for byte, before the bytes are stored (the size and every other byte stay as sent).
///
/// Recognised: the JSON members `"writeKey"` and `"write_key"` with a string value, and the form /
/// query fields `writeKey=` and `write_key=`. Runs on the refusal path only.
public enum WriteKeyRedaction {
    /// Calls `mask` with the index of every byte of `raw` that belongs to a write key's value.
    public static func forEachSecretByte(in raw: UnsafeRawBufferPointer, _ mask: (Int) -> Void) {
        let n = raw.count
        var i = 0
        while i < n {
            let byte = raw[i]
            if byte == 0x22, let end = keyName(in: raw, at: i + 1), end < n, raw[end] == 0x22 {
                // "writeKey" <ws> : <ws> "value"
                var j = skipSpaces(raw, end + 1)
                guard j < n, raw[j] == 0x3A else { i = end; continue }
                j = skipSpaces(raw, j + 1)
                guard j < n, raw[j] == 0x22 else { i = j; continue }
                j += 1
                while j < n, raw[j] != 0x22 {
                    mask(j)
                    if raw[j] == 0x5C, j + 1 < n { mask(j + 1); j += 1 }
                    j += 1
                }
                i = j + 1
            } else if (i == 0 || raw[i - 1] == 0x26 || raw[i - 1] == 0x3F), let end = keyName(in: raw, at: i), end < n, raw[end] == 0x3D {
                // writeKey=value (form body or query), up to the next '&'
                var j = end + 1
                while j < n, raw[j] != 0x26, raw[j] != 0x0A, raw[j] != 0x0D { mask(j); j += 1 }
                i = j
            } else {
                i += 1
            }
        }
    }

    /// The index just past `writeKey` or `write_key` starting at `at`, or nil.
    private static func keyName(in raw: UnsafeRawBufferPointer, at: Int) -> Int? {
        matches(camel, raw, at) ?? matches(snake, raw, at)
    }

    private static func matches(_ name: [UInt8], _ raw: UnsafeRawBufferPointer, _ at: Int) -> Int? {
        guard at + name.count <= raw.count else { return nil }
        for k in 0..<name.count where raw[at + k] != name[k] { return nil }
        return at + name.count
    }

    private static let camel: [UInt8] = Array("writeKey".utf8)
    private static let snake: [UInt8] = Array("write_key".utf8)

    private static func skipSpaces(_ raw: UnsafeRawBufferPointer, _ from: Int) -> Int {
        var j = from
        while j < raw.count, raw[j] == 0x20 || raw[j] == 0x09 || raw[j] == 0x0A || raw[j] == 0x0D { j += 1 }
        return j
    }
}
