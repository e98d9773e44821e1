/// Marks on key paths while a document is read — tomllib's `Flags`, kept in the same shape so the same
/// documents are refused: `frozen` (an inline table or array, closed to additions) and `explicitTable`
/// (opened by a header, or made by dotted keys of an earlier section, and so not to be opened again).
struct TOMLKeyFlags {
    struct Flag: OptionSet, Hashable {
        let rawValue: UInt8
        static let frozen = Flag(rawValue: 1)
        static let explicitTable = Flag(rawValue: 2)
    }

    private final class Node {
        var flags: Flag = []
        var recursiveFlags: Flag = []
        var nested: [String: Node] = [:]
    }

    private let root = Node()
    private var pending: [([String], Flag)] = []

    mutating func addPending(_ path: [String], _ flag: Flag) {
        pending.append((path, flag))
    }

    mutating func finalizePending() {
        for (path, flag) in pending { set(path, flag, recursive: false) }
        pending.removeAll()
    }

    func unsetAll(_ path: [String]) {
        var node = root
        for name in path.dropLast() {
            guard let next = node.nested[name] else { return }
            node = next
        }
        if let last = path.last { node.nested[last] = nil }
    }

    func set(_ path: [String], _ flag: Flag, recursive: Bool) {
        var node = root
        for name in path {
            if let next = node.nested[name] {
                node = next
            } else {
                let made = Node()
                node.nested[name] = made
                node = made
            }
        }
        if recursive { node.recursiveFlags.insert(flag) } else { node.flags.insert(flag) }
    }

    func isSet(_ path: [String], _ flag: Flag) -> Bool {
        guard let last = path.last else { return false }  // the document root has no flags
        var node = root
        for name in path.dropLast() {
            guard let next = node.nested[name] else { return false }
            if next.recursiveFlags.contains(flag) { return true }
            node = next
        }
        guard let target = node.nested[last] else { return false }
        return target.flags.contains(flag) || target.recursiveFlags.contains(flag)
    }
}
