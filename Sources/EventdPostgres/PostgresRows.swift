/// The outcome of `query`: column names, rows of text values, and the command's tag and row count.
///
/// Values are copied out of libpq's PGresult in text format, so rows are plain `Sendable` values that
/// outlive the result. This layer is for control-plane queries; bulk data goes through COPY.
public struct PostgresRows: RandomAccessCollection, Sendable {
    /// Column names in result order.
    public let columns: [String]
    /// The rows.
    public let rows: [PostgresRow]
    /// The command tag, e.g. `INSERT 0 3`, `SELECT 2`, `CREATE TABLE`.
    public let commandTag: String
    /// Rows affected by INSERT/UPDATE/DELETE/MERGE/SELECT/MOVE/FETCH/COPY; nil for other commands.
    public let affectedRows: Int?

    public init(columns: [String], rows: [PostgresRow], commandTag: String, affectedRows: Int?) {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { rows.startIndex }
    public var endIndex: Int { rows.endIndex }
    public subscript(position: Int) -> PostgresRow { rows[position] }
}

/// One result row: text values (nil for SQL NULL) addressable by index or column name.
public struct PostgresRow: Sendable {
    /// Column names, shared with the other rows of the result.
    public let columns: [String]
    /// Values in column order; nil is SQL NULL.
    public let values: [String?]

    public init(columns: [String], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The value of column `index`; nil for NULL.
    public subscript(index: Int) -> String? { values[index] }

    /// The value of the first column named `name`; nil for NULL or an unknown name.
    public subscript(name: String) -> String? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return values[index]
    }

    /// The value as `Int`; nil for NULL. Throws `.invalidValue` when the text is not an integer.
    public func int(_ index: Int) throws -> Int? {
        try convert(index, "integer") { Int($0) }
    }

    /// The value as `Int` by column name.
    public func int(_ name: String) throws -> Int? {
        try int(columnIndex(name))
    }

    /// The value as `Bool` (PostgreSQL's text form `t` / `f`); nil for NULL.
    public func bool(_ index: Int) throws -> Bool? {
        try convert(index, "boolean") { text in
            switch text {
            case "t", "true": true
            case "f", "false": false
            default: nil
            }
        }
    }

    /// The value as `Bool` by column name.
    public func bool(_ name: String) throws -> Bool? {
        try bool(columnIndex(name))
    }

    /// The value as `Double` (accepts `NaN`, `Infinity`, `-Infinity`); nil for NULL.
    public func double(_ index: Int) throws -> Double? {
        try convert(index, "double") { text in
            switch text {
            case "Infinity": .infinity
            case "-Infinity": -.infinity
            default: Double(text)
            }
        }
    }

    /// The value as `Double` by column name.
    public func double(_ name: String) throws -> Double? {
        try double(columnIndex(name))
    }

    private func columnIndex(_ name: String) throws -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw PostgresError(code: .invalidValue, message: "no column named \(name) (columns: \(columns.joined(separator: ", ")))")
        }
        return index
    }

    private func convert<T>(_ index: Int, _ typeName: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = values[index] else { return nil }
        guard let value = parse(text) else {
            throw PostgresError(code: .invalidValue, message: "column \(columns[index]) value \"\(text)\" is not a valid \(typeName)")
        }
        return value
    }
}
