/// Hides passwords in connection strings before they reach an error message or a log.
///
/// Handles both forms libpq accepts: URLs (`postgres://user:secret@host/db?password=secret`) and
/// keyword strings (`host=db password='se cret'`). The masked form keeps everything else, so an
/// operator can still see which host, port and database were tried.
public enum ConnectionStringMasking {
    /// The text shown in place of a password.
    public static let mask = "***"

    /// `connectionString` with every password replaced by `***`.
    public static func masked(_ connectionString: String) -> String {
        if isURL(connectionString) {
            return maskURL(connectionString)
        }
        return maskKeywordString(connectionString)
    }

    /// The passwords appearing in `connectionString` (quotes removed), so callers can scrub them from
    /// other text too.
    public static func passwords(in connectionString: String) -> [String] {
        var found: [String] = []
        if isURL(connectionString), let range = userInfoPasswordRange(connectionString) {
            found.append(String(connectionString[range]))
        }
        for range in keywordPasswordRanges(connectionString) {
            var value = String(connectionString[range])
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            found.append(value)
        }
        return found.filter { !$0.isEmpty }
    }

    static func isURL(_ s: String) -> Bool {
        s.hasPrefix("postgres://") || s.hasPrefix("postgresql://")
    }

    private static func maskURL(_ url: String) -> String {
        var result = url
        // The query string (password=…) first: its ranges lie after the user info, so masking it
        // does not move the user-info range we compute next.
        for range in keywordPasswordRanges(result).reversed() {
            result.replaceSubrange(range, with: mask)
        }
        if let range = userInfoPasswordRange(result) {
            result.replaceSubrange(range, with: mask)
        }
        return result
    }

    private static func maskKeywordString(_ text: String) -> String {
        var result = text
        for range in keywordPasswordRanges(result).reversed() {
            result.replaceSubrange(range, with: mask)
        }
        return result
    }

    /// The range of `secret` in `scheme://user:secret@host…`. The user info ends at the last `@` before
    /// the path: passwords with an unescaped `@` are common in hand-written URLs and must stay hidden.
    private static func userInfoPasswordRange(_ url: String) -> Range<String.Index>? {
        guard let schemeEnd = url.firstRange(of: "://")?.upperBound else { return nil }
        let rest = url[schemeEnd...]
        guard let at = rest.lastIndex(of: "@") else { return nil }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        return url.index(after: colon)..<at
    }

    /// Ranges of the values of `password=` in a keyword string or a URL query (`?password=` / `&password=`).
    private static func keywordPasswordRanges(_ s: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var searchStart = s.startIndex
        while let hit = s[searchStart...].firstRange(of: "password") {
            searchStart = hit.upperBound
            // Must be a whole keyword: preceded by start, whitespace, '?' or '&'.
            if hit.lowerBound != s.startIndex {
                let before = s[s.index(before: hit.lowerBound)]
                guard before.isWhitespace || before == "?" || before == "&" else { continue }
            }
            var i = hit.upperBound
            while i < s.endIndex, s[i] == " " { i = s.index(after: i) }
            guard i < s.endIndex, s[i] == "=" else { continue }
            i = s.index(after: i)
            while i < s.endIndex, s[i] == " " { i = s.index(after: i) }
            let valueStart = i
            if i < s.endIndex, s[i] == "'" {
                // Quoted keyword value: runs to the next unescaped quote.
                i = s.index(after: i)
                while i < s.endIndex, s[i] != "'" {
                    if s[i] == "\\" { i = s.index(after: i); if i == s.endIndex { break } }
                    i = s.index(after: i)
                }
                if i < s.endIndex { i = s.index(after: i) }
            } else {
                while i < s.endIndex, !s[i].isWhitespace, s[i] != "&" { i = s.index(after: i) }
            }
            if valueStart < i { ranges.append(valueStart..<i) }
            searchStart = i
        }
        return ranges
    }
}
