/// `application/x-www-form-urlencoded` and query-string decoding (WHATWG URL "urlencoded parser"):
/// `name=value` pairs split on `&`, `+` means space, `%XX` is a byte.
public enum URLEncoding {
    /// The value of the first pair named `name` in `text`, decoded; nil when absent.
    public static func value(named name: String, in text: some Collection<UInt8>) -> [UInt8]? {
        let nameBytes = Array(name.utf8)
        var pairStart = text.startIndex
        while pairStart < text.endIndex {
            let pairEnd = text[pairStart...].firstIndex(of: UInt8(ascii: "&")) ?? text.endIndex
            let pair = text[pairStart..<pairEnd]
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            if decode(pair[pair.startIndex..<equals]) == nameBytes {
                return equals == pair.endIndex ? [] : decode(pair[text.index(after: equals)...])
            }
            pairStart = pairEnd == text.endIndex ? pairEnd : text.index(after: pairEnd)
        }
        return nil
    }

    /// Every `name=value` pair of `text`, decoded, in order (as text; invalid UTF-8 becomes U+FFFD).
    public static func pairs(in text: some Collection<UInt8>) -> [(String, String)] {
        var out: [(String, String)] = []
        for pair in text.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let name = String(decoding: decode(pair[pair.startIndex..<equals]), as: UTF8.self)
            let value = equals == pair.endIndex ? "" : String(decoding: decode(pair[pair.index(after: equals)...]), as: UTF8.self)
            if !name.isEmpty { out.append((name, value)) }
        }
        return out
    }

    /// Percent-decodes `bytes`, turning `+` into a space. Malformed escapes are kept as written.
    public static func decode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%"),
                      let first = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex), first < bytes.endIndex,
                      let second = bytes.index(first, offsetBy: 1, limitedBy: bytes.endIndex), second < bytes.endIndex,
                      let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) {
                out.append(high << 4 | low)
                index = bytes.index(after: second)
                continue
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
