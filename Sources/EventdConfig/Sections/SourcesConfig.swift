/// `[sources]`: the network listeners events arrive on. All are off until given a `listen` address.
public struct SourcesConfig: Sendable, Equatable {
    /// Newline-delimited JSON over TCP (`[sources.tcp]`).
    public var tcp: TCPSourceConfig = TCPSourceConfig()
    /// JSON datagrams over UDP (`[sources.udp]`).
    public var udp: UDPSourceConfig = UDPSourceConfig()
    /// JSON over HTTP POST (`[sources.http]`).
    public var http: HTTPSourceConfig = HTTPSourceConfig()

    /// The defaults above: every source off.
    public init() {}
}
