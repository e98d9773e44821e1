import Foundation

/// Where one migration stands in a database.
public struct MigrationStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// Applied, and the file still matches the recorded checksum.
        case applied
        /// Not applied yet.
        case pending
        /// Applied, but the file's checksum differs from the ledger: someone edited an applied migration.
        case changed
    }

    public let version: Int
    public let name: String
    public let state: State
    /// When it was applied (nil when pending).
    public let appliedAt: Date?
    /// The checksum of the file in this binary.
    public let checksum: String
    /// The checksum recorded when it was applied (nil when pending).
    public let appliedChecksum: String?

    public init(version: Int, name: String, state: State, appliedAt: Date?, checksum: String, appliedChecksum: String?) {
        self.version = version
        self.name = name
        self.state = state
        self.appliedAt = appliedAt
        self.checksum = checksum
        self.appliedChecksum = appliedChecksum
    }
}
