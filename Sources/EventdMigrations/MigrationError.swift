import EventdPostgres

/// Why a migration run stopped. `description` is one line naming the version and file involved.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; a closed set.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case checksumMismatch, migrationFailed, invalidMigrations, ledgerFailed
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// An applied migration's file changed since it was applied; nothing was applied.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// A migration's SQL failed; its transaction was rolled back and no ledger row was written.
        public static let migrationFailed = Code(.migrationFailed)
        /// The migration list itself is wrong (duplicate or non-positive versions, empty names).
        public static let invalidMigrations = Code(.invalidMigrations)
        /// Taking the lock or reading/creating the ledger failed (see `underlying`).
        public static let ledgerFailed = Code(.ledgerFailed)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// The migration involved, when there is one.
    public var version: Int?
    /// Its file name, e.g. `003_performance_indexes.sql`.
    public var fileName: String?
    /// A human sentence.
    public var message: String
    /// The server's error, when there was one (its `sqlState` tells what went wrong).
    public var underlying: PostgresError?

    public init(code: Code, version: Int? = nil, fileName: String? = nil, message: String, underlying: PostgresError? = nil) {
        self.code = code
        self.version = version
        self.fileName = fileName
        self.message = message
        self.underlying = underlying
    }

    /// The SQLSTATE of the underlying server error, if any.
    public var sqlState: String? { underlying?.sqlState }

    public var description: String {
        var line = "\(code): "
        if let version {
            line += "migration \(version)"
            if let fileName { line += " (\(fileName))" }
            line += " "
        }
        line += message
        if let underlying { line += ": \(underlying)" }
        return line
    }
}
