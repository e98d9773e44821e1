/// Where a value, key or table starts in the TOML text: 1-based line and column (in characters).
public struct TOMLPosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A TOML value and where it starts. A table made by a `[header]` starts at its header's key; one made by
/// a dotted key (`a.b = 1` makes `a`) at that key.
public struct TOMLNode: Sendable, Equatable {
    public var value: TOMLValue
    public var position: TOMLPosition

    public init(_ value: TOMLValue, at position: TOMLPosition) {
        self.value = value
        self.position = position
    }
}

/// One `key = value` of a table, in the order the document first wrote the key.
public struct TOMLEntry: Sendable, Equatable {
    public var key: String
    /// Where the key is written (for a table made by a header, the header's last key).
    public var keyPosition: TOMLPosition
    public var node: TOMLNode

    public init(key: String, keyPosition: TOMLPosition, node: TOMLNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.node = node
    }
}

/// The values TOML 1.0 has. Integers are 64-bit; floats are IEEE doubles.
public indirect enum TOMLValue: Sendable, Equatable {
    case table([TOMLEntry])
    case array([TOMLNode])
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case dateTime(TOMLDateTime)

    /// The value's type as TOML names it: `a string`, `an integer`, `an offset date-time`, ….
    public var typeName: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a floating-point number"
        case .boolean: "a boolean"
        case .dateTime(let value): value.kind.typeName
        }
    }

    public static func == (lhs: TOMLValue, rhs: TOMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.table(let a), .table(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        // NaN equals NaN here: two documents that both say `nan` hold the same value.
        case (.float(let a), .float(let b)): a == b || (a.isNaN && b.isNaN)
        case (.boolean(let a), .boolean(let b)): a == b
        case (.dateTime(let a), .dateTime(let b)): a == b
        default: false
        }
    }
}
