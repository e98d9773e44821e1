import EventdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The one listening socket of a source, whatever its transport: binds it (or adopts the socket
/// systemd passed, with `SO_REUSEPORT` when asked), admits connections under the source's caps,
/// serves until graceful shutdown, then drains. TCP, UDP and HTTP differ only in what they put on
/// each connection's (or the datagram socket's) pipeline and in their bootstrap options.
///
/// A source owns one `Listener` and calls `serveConnections` (stream sockets) or `serveDatagrams`
/// from its `run()`.
final class Listener: Sendable {
    /// "TCP", "UDP" or "HTTP", for logs.
    let name: String
    let binding: ListenerBinding
    private let health: DaemonHealth
    private let logger: Logger
    private let group: any EventLoopGroup
    private let connections = ConnectionRegistry()
    private let bound = BoundAddress()

    init(name: String, binding: ListenerBinding, health: DaemonHealth, logger: Logger, group: any EventLoopGroup) {
        self.name = name
        self.binding = binding
        self.health = health
        self.logger = logger
        self.group = group
        // Counted from construction, so /readyz waits for a listener that has not bound yet.
        health.expectListener()
    }

    /// The address actually bound (useful with port 0 in tests); nil until listening.
    var localAddress: SocketAddress? { bound.value }

    /// Serves a stream socket: each accepted connection is admitted by `admission` (else closed at
    /// once, logged at a bounded pace) and given its handlers by `initialize`. At graceful shutdown
    /// the socket closes, every connection is asked to drain (`DrainAndClose`), and this returns
    /// once they have closed or `drainTimeout` passed.
    func serveConnections(
        admission: ConnectionAdmission, drainTimeout: Duration, anonymizeIP: Bool,
        options: (ServerBootstrap) -> ServerBootstrap = { $0 },
        initialize: @escaping @Sendable (any Channel) throws -> Void
    ) async throws {
        let connections = self.connections, logger = self.logger, name = self.name
        let refusals = RefusedConnectionLog(anonymizeIP: anonymizeIP)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Every connection reads only when its handler asks: backpressure from the ring.
            .childChannelOption(.autoRead, value: false)
        let server = try await options(bootstrap)
            .childChannelInitializer { channel in
                let decision = admission.admit(channel, into: connections)
                guard decision == .admitted else {
                    refusals.refused(channel, "\(name) connections refused: \(decision == .full ? "" : "per-address ")connection limit reached",
                                     logger: logger)
                    admission.onRefused?()
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture { try initialize(channel) }
            }
            .listen(binding)
        await serve(server)
        await connections.drainAll(timeout: drainTimeout)
        logger.info("\(name) source stopped")
    }

    /// Serves a datagram socket: one channel, no connections. `hooks` is asked once the socket is
    /// open for what runs beside serving it (cancelled at the end) and what runs when graceful
    /// shutdown begins, with the socket still open and read.
    func serveDatagrams(
        options: (DatagramBootstrap) -> DatagramBootstrap,
        initialize: @escaping @Sendable (any Channel) throws -> Void,
        hooks: (any Channel) -> DatagramHooks = { _ in DatagramHooks() }
    ) async throws {
        let bootstrap = DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
        let channel = try await options(bootstrap)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try initialize(channel) } }
            .listen(binding)
        let hooks = hooks(channel)
        await withDiscardingTaskGroup { tasks in
            if let beside = hooks.beside { tasks.addTask { await beside() } }
            await serve(channel, beforeClose: hooks.beforeClose)
            tasks.cancelAll()
        }
        logger.info("\(name) source stopped")
    }

    /// Publishes the address, counts the listener open for `/readyz`, logs where it listens, and
    /// serves until graceful shutdown closes the channel (or it closes on its own).
    private func serve(_ channel: any Channel, beforeClose: (@Sendable () async -> Void)? = nil) async {
        bound.value = channel.localAddress
        health.listenerOpened()
        logger.info("\(name) source listening", metadata: [
            LogKey.address: "\(channel.localAddress.map { "\($0)" } ?? "?")",
            LogKey.socket: "\(binding.inheritedDescriptor != nil ? "systemd" : "bound")",
        ])
        await withDiscardingTaskGroup { tasks in
            tasks.addTask {
                // Waits for graceful shutdown; cancelled below if the channel closes on its own first.
                guard (try? await gracefulShutdown()) != nil else { return }
                await beforeClose?()
                // For UDP, closing also flushes the handler's last batch into the ring:
                // channelReadComplete has run for every read, so nothing is held between reads.
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            tasks.cancelAll()
        }
        health.listenerClosed()
    }
}

/// What a datagram source runs around serving its socket (see `Listener.serveDatagrams`).
struct DatagramHooks: Sendable {
    var beside: (@Sendable () async -> Void)? = nil
    var beforeClose: (@Sendable () async -> Void)? = nil
}

/// Where a source listens: what every source's settings say about its socket.
protocol ListenerSettings {
    /// `listen`: nil when only a socket from systemd turns the source on.
    var listen: ListenAddress? { get }
    /// Share the port with other processes (`SO_REUSEPORT`; `reuse_port`).
    var reusePort: Bool { get }
    /// A listening socket passed by systemd; when set, the other two are the socket unit's business.
    var inheritedDescriptor: CInt? { get }
}

extension ListenerSettings {
    var binding: ListenerBinding {
        ListenerBinding(host: listen?.host ?? "", port: listen?.port ?? 0, reusePort: reusePort,
                        inheritedDescriptor: inheritedDescriptor)
    }
}

extension TCPSource.Settings: ListenerSettings {
    var listen: ListenAddress? { tcp.listen }
    var reusePort: Bool { tcp.reusePort }
}

extension UDPSource.Settings: ListenerSettings {
    var listen: ListenAddress? { udp.listen }
    var reusePort: Bool { udp.reusePort }
}

extension HTTPSource.Settings: ListenerSettings {
    var listen: ListenAddress? { http.listen }
    var reusePort: Bool { http.reusePort }
}
