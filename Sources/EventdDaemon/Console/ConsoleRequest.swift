/// A GET for a console page: its path, its decoded query and its `Authorization` header.
struct ConsoleRequest: Sendable {
    let path: String
    let query: [String: String]
    let authorization: String?

    init(uri: String, authorization: String?) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map(String.init) ?? uri
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let field = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = field.first.flatMap({ Self.decode($0) }) else { continue }
                query[name] = field.count == 2 ? Self.decode(field[1]) ?? "" : ""
            }
        }
        self.query = query
        self.authorization = authorization
    }

    /// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; nil when not UTF-8.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let end = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), end < utf8.endIndex,
                      let value = UInt8(String(decoding: utf8[utf8.index(after: index)...end], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = end
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
