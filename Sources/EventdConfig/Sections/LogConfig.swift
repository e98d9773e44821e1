/// `[log]`: what eventd writes to standard error.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `LogConfig+Keys.swift`.
public struct LogConfig: Sendable, Equatable {
    /// `level`
    public var level: LogLevel = .info
    /// `format`
    public var format: LogFormat = .text

    /// The defaults above.
    public init() {}
}
