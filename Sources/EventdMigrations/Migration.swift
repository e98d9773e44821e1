/// One schema migration: an ordered SQL file applied once per database.
public struct Migration: Sendable, Hashable {
    /// Order of application and the ledger's key (001_… is 1).
    public let version: Int
    /// The file name without version and extension, e.g. `initial_schema`.
    public let name: String
    /// The SQL, run as one simple-query call inside the migration's transaction.
    public let sql: String
    /// SHA-256 (lowercase hex) of the file's bytes, computed in Swift (see `SHA256`). Recorded in the
    /// ledger; a later mismatch means the file was edited after it was applied.
    public let checksum: String

    /// A migration from the file's raw bytes (the checksum covers exactly these bytes).
    public init(version: Int, name: String, bytes: [UInt8]) {
        self.version = version
        self.name = name
        self.sql = String(decoding: bytes, as: UTF8.self)
        self.checksum = SHA256.hexDigest(bytes)
    }

    /// A migration from SQL text (its UTF-8 bytes are checksummed), for tests and tools.
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name, bytes: Array(sql.utf8))
    }

    /// A migration from a file named `NNN_name.sql`; nil when the name does not follow that pattern.
    public init?(fileName: String, bytes: [UInt8]) {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
            return nil
        }
        let name = stem[stem.index(after: underscore)...]
        guard !name.isEmpty else { return nil }
        self.init(version: version, name: String(name), bytes: bytes)
    }

    /// The conventional file name, e.g. `001_initial_schema.sql`, used in logs and errors.
    public var fileName: String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits + "_" + name + ".sql"
    }
}
