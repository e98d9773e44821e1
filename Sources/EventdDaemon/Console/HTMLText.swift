/// Text made safe for HTML: every value a console page shows goes through `escape`, whether it came from
/// PostgreSQL, a metric label or the request. Refused bytes are whatever a sender chose to send.
enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as entities, so the text is inert in element content and in quoted attributes.
    static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Raw bytes as readable text: printable ASCII and valid UTF-8 as they are, control bytes and invalid
    /// sequences as `\xNN`, at most `limit` bytes (then `…`). Escape the result before putting it in a page.
    static func readable(_ bytes: [UInt8], limit: Int) -> String {
        var out = ""
        let shown = bytes.prefix(limit)
        var index = shown.startIndex
        while index < shown.endIndex {
            let byte = shown[index]
            if byte >= 0x20 && byte < 0x7F {
                out.unicodeScalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if length > 1, index + length <= shown.endIndex,
               let scalar = String(validating: shown[index..<(index + length)], as: UTF8.self), !scalar.isEmpty {
                out += scalar
                index += length
                continue
            }
            out += byte == 0x0A ? "\\n" : "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            index += 1
        }
        if bytes.count > limit { out += "…" }
        return out
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
