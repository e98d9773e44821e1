import EventdCore
import NIOCore

/// Which connections a listener takes: at most `maxConnections` open, and at most `maxPerPeer` from
/// one peer address (0: no per-address cap). `peer` says which address a connection counts against;
/// nil exempts it (HTTP's trusted proxies, whose clients all share their address).
struct ConnectionAdmission: Sendable {
    var maxConnections: Int
    var maxPerPeer: Int = 0
    var peer: @Sendable (any Channel) -> SourceAddress? = { _ in nil }
    /// Called for each connection refused (a metric).
    var onRefused: (@Sendable () -> Void)? = nil

    func admit(_ channel: any Channel, into connections: ConnectionRegistry) -> ConnectionRegistry.Admission {
        connections.admit(channel, limit: maxConnections, peer: maxPerPeer > 0 ? peer(channel) : nil, perPeerLimit: maxPerPeer)
    }
}
