/// `[sources.udp]`: JSON events over UDP, one event or newline-delimited batch per datagram.
public struct UDPSourceConfig: Sendable, Equatable {
    /// Address to receive datagrams on (`listen`, default unset = UDP source off), e.g. `"127.0.0.1:5171"`.
    /// UDP has no back-pressure: datagrams that arrive while eventd is busy are lost and counted.
    public var listen: ListenAddress? = nil
    /// Largest datagram accepted, in bytes (`max_datagram_bytes`, default 65507, the IPv4 maximum). Larger
    /// datagrams are truncated by the kernel and refused. Lower it to match your senders' MTU budget.
    public var maxDatagramBytes: Int = 65_507
    /// Socket receive buffer requested from the kernel (`receive_buffer_bytes`, default 8 MiB, `SO_RCVBUF`).
    /// A bigger buffer rides out bursts without drops; the kernel caps it at `net.core.rmem_max`. What the
    /// kernel drops because it is full is counted in `eventd_udp_kernel_dropped_datagrams_total`.
    public var receiveBufferBytes: Int = 8 << 20
    /// Let several eventd processes on this host listen on the same port (`reuse_port`, default false): sets
    /// `SO_REUSEPORT`, and the kernel spreads datagrams (by sender address) across them. Every process sharing the port must set it
    /// (and run as the same user). Off by default so that a second eventd started by mistake fails with
    /// "address in use" instead of silently taking half the traffic. Ignored for a socket passed by systemd.
    public var reusePort: Bool = false

    /// The defaults above.
    public init() {}
}
