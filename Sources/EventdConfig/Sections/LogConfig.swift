/// `[log]`: what eventd writes to standard error.
public struct LogConfig: Sendable, Equatable {
    /// Least severe level written (`level`, default `info`): trace, debug, info, notice, warning, error or
    /// critical. Use `debug` while diagnosing; `warning` for quiet logs.
    public var level: LogLevel = .info
    /// Line format (`format`, default `text`): `text` for people and journald, `json` for log shippers.
    public var format: LogFormat = .text

    /// The defaults above.
    public init() {}
}
