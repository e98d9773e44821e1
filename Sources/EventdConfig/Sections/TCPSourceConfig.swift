/// `[sources.tcp]`: newline-delimited JSON events over TCP, one event per line.
public struct TCPSourceConfig: Sendable, Equatable {
    /// Address to accept connections on (`listen`, default unset = TCP source off), e.g. `"127.0.0.1:5170"`.
    /// Set it to turn the source on; bind to loopback unless senders on other hosts need it.
    public var listen: ListenAddress? = nil
    /// Most connections served at once (`max_connections`, default 1024). Connections beyond it are closed
    /// right after accept. Raise it for many long-lived senders; each open connection holds a read buffer.
    public var maxConnections: Int = 1024
    /// Longest line accepted, in bytes (`max_line_bytes`, default 1 MiB). A longer line is refused and the
    /// connection closed, since the framing is lost. It bounds memory per connection.
    public var maxLineBytes: Int = 1 << 20
    /// Close a connection that has sent nothing for this long (`idle_timeout`, default `5m`). Lower it to free
    /// slots held by dead senders sooner; raise it for senders that batch rarely over one connection.
    public var idleTimeout: Duration = .seconds(300)
    /// Let several eventd processes on this host listen on the same port (`reuse_port`, default false): sets
    /// `SO_REUSEPORT`, and the kernel spreads new connections across them. Every process sharing the port must set it
    /// (and run as the same user). Off by default so that a second eventd started by mistake fails with
    /// "address in use" instead of silently taking half the traffic. Ignored for a socket passed by systemd.
    public var reusePort: Bool = false

    /// The defaults above.
    public init() {}
}
