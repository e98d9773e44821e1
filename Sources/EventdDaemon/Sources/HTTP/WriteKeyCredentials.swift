import NIOHTTP1

/// Where a request's write key was found, in order of precedence.
///
/// Segment's SDKs send the key as the HTTP Basic user with an empty password (server libraries)
/// or as `writeKey` in the JSON body (analytics.js, which sends `text/plain` to avoid a
/// preflight). Beacons cannot set headers, so a page may also put it in the URL (`?writeKey=`) —
/// acceptable for public keys, which are public anyway; a secret key there is refused
/// (`secretKeyInURLRefusal`): URLs land in proxy and access logs.
enum WriteKeyCredentials {
    /// The key presented in the request head — `Authorization: Basic` (key as user),
    /// `Authorization: Bearer`, `X-Write-Key`, or the `writeKey` query parameter — or nil.
    static func fromHead(_ headers: HTTPHeaders, query: Substring?) -> [UInt8]? {
        fromHeaders(headers) ?? fromURL(query)
    }

    /// The refusal for a secret key that came in the URL (no key in the headers), else nil; the
    /// path's protocol tells it in its own reply shape.
    static func secretKeyInURLRefusal(_ key: WriteKeyStore.Match, _ headers: HTTPHeaders, query: Substring?) -> RequestRefusal? {
        guard key.kind == .secret, fromHeaders(headers) == nil, fromURL(query) != nil else { return nil }
        return RequestRefusal(.unauthorized, .invalidWriteKey,
                              "The write key '\(key.name)' is secret and may not be sent in the URL (URLs are logged); "
                                  + "send it in the Authorization header.")
    }

    private static func fromURL(_ query: Substring?) -> [UInt8]? {
        guard let query, let value = URLEncoding.value(named: "writeKey", in: Array(query.utf8)), !value.isEmpty else { return nil }
        return value
    }

    private static func fromHeaders(_ headers: HTTPHeaders) -> [UInt8]? {
        if let authorization = headers.first(name: "authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2 {
                let scheme = parts[0].lowercased()
                let value = parts[1].trimmingSpaces
                if scheme == "basic", let decoded = Base64Decoding.decode(Array(value.utf8)) {
                    let user = decoded.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
                    if !user.isEmpty { return Array(user) }
                } else if scheme == "bearer", !value.isEmpty {
                    return Array(value.utf8)
                }
            }
        }
        if let header = headers.first(name: "x-write-key"), !header.isEmpty {
            return Array(header.utf8)
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = text.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return text[first...last]
    }
}
