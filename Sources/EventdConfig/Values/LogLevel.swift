/// How much eventd logs. Raw values equal swift-log's `Logger.Level` raw values, so the executable can convert
/// with `Logger.Level(rawValue: level.rawValue)!` without this module depending on swift-log's types.
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    /// Everything, including per-connection and per-batch detail. For chasing a bug, never for production.
    case trace
    /// Detail useful while developing or diagnosing.
    case debug
    /// Start, stop, listeners bound, migrations run, periodic summaries. The default.
    case info
    /// Notable but normal events.
    case notice
    /// Something was refused or retried; the daemon carries on.
    case warning
    /// Something failed and data may be delayed.
    case error
    /// The daemon cannot continue.
    case critical
}
