/// A pending migration starting or done, for `MigrationRunner.apply(step:)`'s progress display;
/// `number` counts the pending migrations of this run (1...`of`).
public enum MigrationStep: Sendable {
    case applying(Migration, number: Int, of: Int)
    case applied(Migration, number: Int, of: Int, milliseconds: Int)
}
