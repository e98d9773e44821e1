/// A pending migration starting or done, for `MigrationRunner.apply(step:)`'s progress display;
/// `number` counts the pending migrations of this run (1...`of`).
public enum MigrationStep: Sendable {
    case applying(Migration, number: Int, of: Int)
    case applied(Migration, number: Int, of: Int, milliseconds: Int)
}

extension MigrationStep {
    /// The operator's log line for this step, when no progress display shows it.
    var logLine: String {
        switch self {
        case let .applying(migration, _, _): "applying \(migration.fileName)"
        case let .applied(migration, _, _, milliseconds): "applied \(migration.fileName) in \(milliseconds) ms"
        }
    }
}
