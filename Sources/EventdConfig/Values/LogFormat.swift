/// How log lines are written to standard error.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// One human-readable line per message, with metadata as `key=value`. The default; suits journald.
    case text
    /// One JSON object per line, for log shippers that parse fields.
    case json
}
