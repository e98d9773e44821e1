/// `[sources.udp]`: JSON events over UDP, one event or newline-delimited batch per datagram.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `UDPSourceConfig+Keys.swift`.
public struct UDPSourceConfig: Sendable, Equatable {
    /// `listen`
    public var listen: ListenAddress? = nil
    /// `max_datagram_bytes`
    public var maxDatagramBytes: Int = 65_507
    /// `receive_buffer_bytes`
    public var receiveBufferBytes: Int = 8 << 20
    /// `reuse_port`
    public var reusePort: Bool = false

    /// The defaults above.
    public init() {}
}
