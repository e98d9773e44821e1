/// A dotted key as written: `a."b.c".d` is three parts, each with where it starts.
struct TOMLKey {
    struct Part {
        var name: String
        var position: TOMLPosition
    }

    var parts: [TOMLKey.Part]

    var names: [String] { parts.map(\.name) }
    var last: Part { parts[parts.count - 1] }
    /// The key as a message shows it: `a."b.c".d`.
    var shown: String { Self.shown(names) }

    static func shown(_ names: [String]) -> String {
        names.map { name in
            !name.isEmpty && name.utf8.allSatisfy(TOMLReader.isBareKey) ? name : "\"" + name + "\""
        }.joined(separator: ".")
    }
}
