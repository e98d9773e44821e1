/// Turns libpq's multi-line messages into one log line.
///
/// libpq ends messages with a newline and spreads connection failures over several lines (one per host
/// tried, plus a tab-indented "Is the server running…" line). Operators grep logs line by line, so every
/// message we surface is collapsed: lines trimmed, empty ones dropped, the rest joined with "; ".
enum OneLine {
    static func collapse(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) || text.first?.isWhitespace == true
            || text.last?.isWhitespace == true
        else { return text }
        return text.split(whereSeparator: { $0.isNewline })
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
