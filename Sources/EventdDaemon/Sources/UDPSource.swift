import EventdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The UDP listener: fire-and-forget events from emitters that cannot afford a connection.
public final class UDPSource: Service, Sendable {
    /// `[sources.udp]` as configured, with the socket systemd may pass; `settings.maxDatagramBytes`
    /// reads `[sources.udp]`.
    @dynamicMemberLookup
    public struct Settings: Sendable {
        /// The `[sources.udp]` section: where to listen, the datagram and receive-buffer sizes.
        public var udp: UDPSourceConfig
        /// A socket passed by systemd (`eventd.socket`); when set, `listen` and `reuse_port` are the
        /// socket unit's business and not used.
        public var inheritedDescriptor: CInt? = nil

        public init(_ udp: UDPSourceConfig = UDPSourceConfig()) {
            self.udp = udp
        }

        public subscript<Value>(dynamicMember key: WritableKeyPath<UDPSourceConfig, Value>) -> Value {
            get { udp[keyPath: key] }
            set { udp[keyPath: key] = newValue }
        }
    }

    private let settings: Settings
    private let pipeline: IngestPipeline
    private let logger: Logger
    private let listener: Listener

    public init(settings: Settings, pipeline: IngestPipeline, health: DaemonHealth, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.pipeline = pipeline
        self.logger = logger
        listener = Listener(name: "UDP", binding: settings.binding, health: health, logger: logger, group: group)
    }

    public var localAddress: SocketAddress? { listener.localAddress }

    public func run() async throws {
        let settings = self.settings
        let pipeline = self.pipeline
        let logger = self.logger
        let inherited = settings.inheritedDescriptor != nil
        let options = { (bootstrap: DatagramBootstrap) -> DatagramBootstrap in
            bootstrap
                // A large kernel buffer absorbs bursts while the event loop is busy decoding.
                .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(settings.receiveBufferBytes))
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: settings.maxDatagramBytes + 1))
                .channelOption(.maxMessagesPerRead, value: 64)
        }
        let initialize: @Sendable (any Channel) throws -> Void = { channel in
            try channel.pipeline.syncOperations.addHandler(
                UDPIngestHandler(pipeline: pipeline, maxDatagramBytes: settings.maxDatagramBytes))
        }
        let hooks = { (channel: any Channel) -> DatagramHooks in
            // The datagrams the kernel drops on this socket (receive buffer full) never reach the handler, so
            // they are read from the socket's own counter while it is open; a closed socket's is gone.
            // One reader of this socket's line in /proc, for the drop counter and for the shutdown drain.
            let socketStats: KernelUDPDropsReader? = channel.localAddress?.port.map(KernelUDPDropsReader.init(port:))
            let kernelDrops: UDPKernelDropCounter? = socketStats.map {
                UDPKernelDropCounter(reader: $0, counter: pipeline.metrics.udpKernelDroppedDatagrams, logger: logger)
            }
            let drain: UDPReceiveQueueDrain? = inherited ? nil : socketStats.map { stats in
                UDPReceiveQueueDrain(queuedBytes: { stats.read()?.queuedBytes })
            }
            var hooks = DatagramHooks()
            if let kernelDrops {
                hooks.beside = { await kernelDrops.updateEverySecond() }
            }
            hooks.beforeClose = {
                if let drain { await Self.readQueueEmpty(drain, logger: logger) }
                kernelDrops?.update()
            }
            return hooks
        }
        try await listener.serveDatagrams(options: options, initialize: initialize, hooks: hooks)
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
