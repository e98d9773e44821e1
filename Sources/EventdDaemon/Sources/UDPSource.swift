import EventdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The UDP listener: fire-and-forget events from emitters that cannot afford a connection.
public final class UDPSource: Service, Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var maxDatagramBytes: Int
        public var receiveBufferBytes: Int
        /// Share the port with other processes (`SO_REUSEPORT`; `reuse_port`).
        public var reusePort: Bool = false
        /// A listening socket passed by systemd (`eventd.socket`); when set, `host`, `port` and
        /// `reusePort` are the socket unit's business and not used.
        public var inheritedDescriptor: CInt? = nil
        public init(host: String, port: Int, maxDatagramBytes: Int = 65_507, receiveBufferBytes: Int = 8 << 20) {
            self.host = host
            self.port = port
            self.maxDatagramBytes = maxDatagramBytes
            self.receiveBufferBytes = receiveBufferBytes
        }
    }

    private let settings: Settings
    private let pipeline: IngestPipeline
    private let health: DaemonHealth
    private let logger: Logger
    private let group: any EventLoopGroup
    private let bound = BoundAddress()

    public init(settings: Settings, pipeline: IngestPipeline, health: DaemonHealth, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.pipeline = pipeline
        self.health = health
        self.logger = logger
        self.group = group
        health.expectListener()
    }

    public var localAddress: SocketAddress? { bound.value }

    public func run() async throws {
        let settings = self.settings
        let pipeline = self.pipeline
        let channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // A large kernel buffer absorbs bursts while the event loop is busy decoding.
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(settings.receiveBufferBytes))
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: settings.maxDatagramBytes + 1))
            .channelOption(.maxMessagesPerRead, value: 64)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UDPIngestHandler(pipeline: pipeline, maxDatagramBytes: settings.maxDatagramBytes))
                }
            }
            .listen(ListenerBinding(host: settings.host, port: settings.port, reusePort: settings.reusePort,
                                    inheritedDescriptor: settings.inheritedDescriptor))
        // The datagrams the kernel drops on this socket (receive buffer full) never reach the handler, so
        // they are read from the socket's own counter while it is open; a closed socket's is gone.
        let logger = self.logger
        // One reader of this socket's line in /proc, for the drop counter and for the shutdown drain.
        let socketStats = channel.localAddress?.port.map(KernelUDPDropsReader.init(port:))
        let kernelDrops = socketStats.map {
            UDPKernelDropCounter(reader: $0, counter: pipeline.metrics.udpKernelDroppedDatagrams, logger: logger)
        }
        let drain = settings.inheritedDescriptor == nil ? socketStats.map { stats in
            UDPReceiveQueueDrain(queuedBytes: { stats.read()?.queuedBytes })
        } : nil
        await withDiscardingTaskGroup { tasks in
            if let kernelDrops { tasks.addTask { await kernelDrops.updateEverySecond() } }
            await ListenerLifetime.serve(channel, name: "UDP", inherited: settings.inheritedDescriptor != nil,
                                         bound: bound, health: health, logger: logger,
                                         beforeClose: {
                if let drain { await Self.readQueueEmpty(drain, logger: logger) }
                kernelDrops?.update()
            })
            tasks.cancelAll()
        }
        logger.info("UDP source stopped")
    }

    /// Keeps the socket open at shutdown until what the kernel already holds for it is read (see
    /// `UDPReceiveQueueDrain`); says so when senders kept it full and some is lost with the socket.
    private static func readQueueEmpty(_ drain: UDPReceiveQueueDrain, logger: Logger) async {
        guard let unread = await drain.run(), unread > 0 else { return }
        logger.warning("""
            UDP socket closed with datagrams unread: senders kept its receive queue full for \
            \(drain.timeout) of shutdown, and what was left is lost (a socket from systemd, eventd.socket, \
            keeps them for the next eventd)
            """, metadata: [LogKey.bytes: "\(unread)"])
    }
}
