/// The configured write keys, looked up in constant time.
///
/// A presented key is compared with every configured key, byte by byte over the longest key's
/// length, accumulating differences with XOR/OR: the time taken depends on the number and length
/// of the configured keys only, never on how much of the presented key matched, so response timing
/// cannot be used to guess a key one character at a time.
struct WriteKeyStore: Sendable {
    /// A key that matched: its index (the rate limiter's bucket), name (the `source_key` column) and rules.
    struct Match: Sendable, Equatable {
        var index: Int
        var name: String
        var kind: WriteKey.Kind
        /// Origins allowed to use a public key; empty means any.
        var allowedOrigins: [String]
    }

    private let keys: [[UInt8]]
    private let matches: [Match]
    private let width: Int

    init(_ writeKeys: [WriteKey]) {
        keys = writeKeys.map { Array($0.key.utf8) }
        matches = writeKeys.enumerated().map {
            Match(index: $0.offset, name: $0.element.name, kind: $0.element.kind,
                  allowedOrigins: $0.element.allowedOrigins.map(CORSPolicy.normalizedOrigin))
        }
        width = keys.map(\.count).max() ?? 0
    }

    var isEmpty: Bool { keys.isEmpty }
    var all: [Match] { matches }

    /// The configured key equal to `presented`, or nil.
    func match(_ presented: some Collection<UInt8>) -> Match? {
        let presented = Array(presented)
        var found = -1
        for (index, key) in keys.enumerated() {
            var difference = UInt8(truncatingIfNeeded: key.count ^ presented.count)
            difference |= UInt8(truncatingIfNeeded: (key.count ^ presented.count) >> 8)
            for position in 0..<width {
                let a = position < key.count ? key[position] : 0
                let b = position < presented.count ? presented[position] : 0
                difference |= a ^ b
            }
            // Branch-free selection: keep scanning every key even after a match.
            let isMatch = difference == 0 ? index : -1
            found = max(found, isMatch)
        }
        return found >= 0 ? matches[found] : nil
    }
}
