/// `[sources.tcp]`: newline-delimited JSON events over TCP, one event per line.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `TCPSourceConfig+Keys.swift`.
public struct TCPSourceConfig: Sendable, Equatable {
    /// `listen`
    public var listen: ListenAddress? = nil
    /// `max_connections`
    public var maxConnections: Int = 1024
    /// `max_line_bytes`
    public var maxLineBytes: Int = 1 << 20
    /// `idle_timeout`
    public var idleTimeout: Duration = .seconds(300)
    /// `reuse_port`
    public var reusePort: Bool = false

    /// The defaults above.
    public init() {}
}
