/// Spelling suggestions for unknown keys: the closest known name, if it is close enough to be a typo.
enum EditDistance {
    /// The candidate nearest to `word`, if within a typo's distance (about one edit per three characters).
    static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        let limit = max(1, min(3, word.count / 3))
        let word = word.lowercased()
        var best: (name: String, distance: Int)?
        // Lengths further apart than the limit are further apart in edits too; skipping them keeps a long
        // name (a mistaken or hostile EVENTD_… variable, a huge key) from costing length × length per candidate.
        for candidate in candidates where abs(candidate.count - word.count) <= limit {
            let distance = distance(word, candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Insertions, deletions, substitutions and swaps of adjacent characters needed to turn `a` into `b`
    /// (optimal string alignment distance: `kye` is one edit from `key`).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
