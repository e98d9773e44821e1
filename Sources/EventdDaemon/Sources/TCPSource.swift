import EventdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The TCP listener: newline-delimited JSON from server-side emitters.
///
/// On graceful shutdown it stops accepting, asks every connection to hand its complete lines to the
/// ring and wait for its acks, and returns once they have all closed (or the drain deadline passed).
/// A drained connection closes lingeringly (`LingeringClose`): output shut down after the last ack,
/// the sender's further bytes read and dropped until it closes, at most 2 s.
/// It is listed after the loader in the service group, so the loader is still committing meanwhile.
public final class TCPSource: Service, Sendable {
    /// Reads of at most half `MallocTuning`'s mmap threshold (512 KiB; the receive allocator's sizes are
    /// powers of two): a 1 MiB read buffer was past the threshold, so each was mapped afresh. Peak RSS
    /// under TCP overload was 119 MB with 1 MiB and 111–113 MB with 512 KiB, CPU the same
    /// (Benchmarks/RESULTS.md, "TCP reads of at most 512 KiB").
    static let largestRead = Int(MallocTuning.mmapThresholdBytes) / 2

    /// `[sources.tcp]` as configured, with what the source takes from elsewhere; `settings.maxLineBytes`
    /// reads `[sources.tcp]`.
    @dynamicMemberLookup
    public struct Settings: Sendable {
        /// The `[sources.tcp]` section: where to listen and the connection limits.
        public var tcp: TCPSourceConfig
        /// `shutdown.drain_timeout`.
        public var drainTimeout: Duration
        /// A listening socket passed by systemd (`eventd.socket`); when set, `listen` and `reuse_port`
        /// are the socket unit's business and not used.
        public var inheritedDescriptor: CInt? = nil

        public init(_ tcp: TCPSourceConfig = TCPSourceConfig(), drainTimeout: Duration = ShutdownConfig().drainTimeout) {
            self.tcp = tcp
            self.drainTimeout = drainTimeout
        }

        public subscript<Value>(dynamicMember key: WritableKeyPath<TCPSourceConfig, Value>) -> Value {
            get { tcp[keyPath: key] }
            set { tcp[keyPath: key] = newValue }
        }
    }

    private let settings: Settings
    private let pipeline: IngestPipeline
    private let listener: Listener

    public init(settings: Settings, pipeline: IngestPipeline, health: DaemonHealth, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.pipeline = pipeline
        listener = Listener(name: "TCP", binding: settings.binding, health: health, logger: logger, group: group)
    }

    /// The address actually bound (useful with port 0 in tests); nil until listening.
    public var localAddress: SocketAddress? { listener.localAddress }

    public func run() async throws {
        let settings = self.settings
        let pipeline = self.pipeline
        try await listener.serveConnections(
            admission: ConnectionAdmission(maxConnections: settings.maxConnections),
            drainTimeout: settings.drainTimeout, anonymizeIP: pipeline.anonymizeIP,
            options: { bootstrap in
                bootstrap
                    // A sender that shuts down its side still gets its acks (`TCPIngestHandler`, `.inputClosed`).
                    .childChannelOption(.allowRemoteHalfClosure, value: true)
                    .childChannelOption(.maxMessagesPerRead, value: 4)
                    .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(
                        minimum: 4096, initial: 65536, maximum: Self.largestRead))
            },
            initialize: { channel in
                let sync = channel.pipeline.syncOperations
                // Its read timeout closes the connection (`TCPConnectionStateMachine.idleTimedOut`).
                try sync.addHandler(IdleStateHandler(readTimeout: .init(settings.idleTimeout)))
                try sync.addHandler(LingeringClose())
                try sync.addHandler(pipeline.makeTCPHandler(maxLineBytes: settings.maxLineBytes))
            })
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(duration.nanoseconds)
    }
}
