/// A table or array while the document is read: reference types, because a later header or dotted key adds
/// to a table made earlier.
final class TOMLTableBox {
    let position: TOMLPosition
    var order: [String] = []
    var items: [String: TOMLItem] = [:]
    var keyPositions: [String: TOMLPosition] = [:]

    init(position: TOMLPosition) { self.position = position }

    func insert(_ item: TOMLItem, for key: TOMLKey.Part) {
        order.append(key.name)
        items[key.name] = item
        keyPositions[key.name] = key.position
    }

    func entries() -> [TOMLEntry] {
        order.map { TOMLEntry(key: $0, keyPosition: keyPositions[$0]!, node: items[$0]!.node) }
    }
}

final class TOMLArrayBox {
    let position: TOMLPosition
    var items: [TOMLItem] = []

    init(position: TOMLPosition) { self.position = position }
}

enum TOMLItem {
    case table(TOMLTableBox)
    case array(TOMLArrayBox)
    case scalar(TOMLNode)

    var node: TOMLNode {
        switch self {
        case .table(let table): TOMLNode(.table(table.entries()), at: table.position)
        case .array(let array): TOMLNode(.array(array.items.map(\.node)), at: array.position)
        case .scalar(let node): node
        }
    }
}

/// What a TOML document means, built statement by statement: the rules on defining keys and tables.
///
/// The rules are those of Python's `tomllib` (`_parser.py`: `NestedDict`, `Flags`, `key_value_rule`,
/// `create_dict_rule`, `create_list_rule`), followed step by step so the two accept the same documents: a
/// table is opened by `[header]` once; dotted keys may not reach into a table a header opened, nor a header
/// into one that dotted keys of an earlier section made; inline tables and arrays are closed to additions;
/// `[[header]]` appends a table and frees its namespace for the new element.
struct TOMLDocumentBuilder {
    private(set) var root: TOMLTableBox
    private var flags = TOMLKeyFlags()
    /// The `[header]` now open; key/value lines go into it.
    private var header: [TOMLKey.Part] = []

    init() { root = TOMLTableBox(position: TOMLPosition(line: 1, column: 1)) }

    init(inlineAt position: TOMLPosition) { root = TOMLTableBox(position: position) }

    /// A `key = value` line of the document, under the open header.
    mutating func set(_ key: TOMLKey, to value: TOMLItem) throws(TOMLError) {
        let parent = header + key.parts.dropLast()
        for count in 1..<max(key.parts.count, 1) {
            let path = names(header + key.parts.prefix(count))
            guard !flags.isSet(path, .explicitTable) else {
                throw TOMLError(.meaning, at: key.parts[count - 1].position,
                                "table \(TOMLKey.shown(path)) is already defined; dotted keys cannot add to it")
            }
            flags.addPending(path, .explicitTable)
        }
        guard !flags.isSet(names(parent), .frozen) else {
            throw TOMLError(.meaning, at: key.last.position,
                            "\(TOMLKey.shown(names(parent))) is an inline table or array; it cannot be added to")
        }
        let table = try nest(parent, at: key.last.position, throughArrays: true)
        guard table.items[key.last.name] == nil else { throw Self.defined(names(header) + key.names, at: key.last) }
        if case .scalar = value {} else { flags.set(names(header) + key.names, .frozen, recursive: true) }
        table.insert(value, for: key.last)
    }

    /// A `key = value` inside an inline table.
    mutating func setInline(_ key: TOMLKey, to value: TOMLItem) throws(TOMLError) {
        guard !flags.isSet(key.names, .frozen) else {
            throw TOMLError(.meaning, at: key.last.position, "\(key.shown) is an inline table or array; it cannot be added to")
        }
        let table = try nest(Array(key.parts.dropLast()), at: key.last.position, throughArrays: false)
        guard table.items[key.last.name] == nil else { throw Self.defined(key.names, at: key.last) }
        table.insert(value, for: key.last)
        // tomllib closes a table or array value to dotted keys only once a ',' follows it; nothing could
        // reach it otherwise, so closing it at once is the same.
        if case .scalar = value {} else { flags.set(key.names, .frozen, recursive: true) }
    }

    /// `[key]`: opens (or makes) the table and reads the following lines into it.
    mutating func openTable(_ key: TOMLKey) throws(TOMLError) {
        flags.finalizePending()
        let path = key.names
        guard !flags.isSet(path, .explicitTable), !flags.isSet(path, .frozen) else {
            throw TOMLError(.meaning, at: key.parts[0].position, "table [\(key.shown)] is already defined")
        }
        flags.set(path, .explicitTable, recursive: false)
        _ = try nest(key.parts, at: key.parts[0].position, throughArrays: true)
        header = key.parts
    }

    /// `[[key]]`: appends a table to the array of tables and reads the following lines into it.
    mutating func appendTable(_ key: TOMLKey) throws(TOMLError) {
        flags.finalizePending()
        let path = key.names
        guard !flags.isSet(path, .frozen) else {
            throw TOMLError(.meaning, at: key.parts[0].position, "\(key.shown) is an inline array; [[\(key.shown)]] cannot add to it")
        }
        flags.unsetAll(path)
        flags.set(path, .explicitTable, recursive: false)
        let parent = try nest(Array(key.parts.dropLast()), at: key.parts[0].position, throughArrays: true)
        let element = TOMLItem.table(TOMLTableBox(position: key.parts[0].position))
        switch parent.items[key.last.name] {
        case nil:
            let array = TOMLArrayBox(position: key.parts[0].position)
            array.items.append(element)
            parent.insert(.array(array), for: key.last)
        case .array(let array)?:
            array.items.append(element)
        default:
            throw TOMLError(.meaning, at: key.parts[0].position, "\(key.shown) is already defined and is not an array of tables")
        }
        header = key.parts
    }

    /// The table at `path` from the root, made where missing; in an array of tables, its last element.
    private func nest(_ path: [TOMLKey.Part], at position: TOMLPosition, throughArrays: Bool) throws(TOMLError) -> TOMLTableBox {
        var table = root
        for (index, part) in path.enumerated() {
            var item = table.items[part.name]
            if item == nil {
                let made = TOMLTableBox(position: part.position)
                table.insert(.table(made), for: part)
                item = .table(made)
            }
            if throughArrays, case .array(let array)? = item {
                item = array.items.last
            }
            guard case .table(let next)? = item else {
                throw TOMLError(.meaning, at: position,
                                "\(TOMLKey.shown(names(Array(path.prefix(index + 1))))) is already defined and is not a table")
            }
            table = next
        }
        return table
    }

    private func names(_ parts: [TOMLKey.Part]) -> [String] { parts.map(\.name) }

    private static func defined(_ path: [String], at key: TOMLKey.Part) -> TOMLError {
        TOMLError(.meaning, at: key.position, "key \(TOMLKey.shown(path)) is already defined")
    }
}
