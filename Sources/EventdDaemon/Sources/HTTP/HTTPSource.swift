import EventdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The HTTP listener: Segment's tracking API, sendBeacon and pixels over HTTP/1.1.
///
/// Protocol rules live in `HTTPCollector` (plain, testable values); this service only binds the
/// socket, builds each connection's pipeline — `LingeringClose` (a refusal's close is never an RST)
/// → `HTTPConnectionGuard` (timeouts, head size) → HTTP/1.1 parser → response encoder →
/// `HTTPIngestHandler` — enforces the connection cap, and drains connections at shutdown.
/// It is listed after the loader, so on shutdown it stops first and its waiting requests are
/// still answered from the loader's last commits.
public final class HTTPSource: Service, Sendable {
    /// `[sources.http]` as configured, with what the source takes from elsewhere; `settings.maxBodyBytes`
    /// reads `[sources.http]`.
    @dynamicMemberLookup
    public struct Settings: Sendable {
        /// The `[sources.http]` section: where to listen, limits, write keys, rate limits, the paths.
        public var http: HTTPSourceConfig
        /// `shutdown.drain_timeout`.
        public var drainTimeout: Duration
        /// A listening socket passed by systemd (`eventd.socket`); when set, `listen` and `reuse_port`
        /// are the socket unit's business and not used.
        public var inheritedDescriptor: CInt? = nil
        /// Test-only: HTML pages served on `GET <path>`, so a browser test can load a page from the
        /// collector's own origin (same-origin beacons). Empty in production.
        public var testOnly_pages: [String: String] = [:]

        public init(_ http: HTTPSourceConfig = HTTPSourceConfig(), drainTimeout: Duration = ShutdownConfig().drainTimeout) {
            self.http = http
            self.drainTimeout = drainTimeout
        }

        public subscript<Value>(dynamicMember key: WritableKeyPath<HTTPSourceConfig, Value>) -> Value {
            get { http[keyPath: key] }
            set { http[keyPath: key] = newValue }
        }
    }

    private let settings: Settings
    private let collector: HTTPCollector
    private let pipeline: IngestPipeline
    private let listener: Listener

    public init(settings: Settings, pipeline: IngestPipeline, health: DaemonHealth, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.collector = HTTPCollector(settings: settings, limits: pipeline.liveLimits, anonymizeIP: pipeline.anonymizeIP)
        self.pipeline = pipeline
        listener = Listener(name: "HTTP", binding: settings.binding, health: health, logger: logger, group: group)
    }

    /// The address actually bound (useful with port 0 in tests); nil until listening.
    public var localAddress: SocketAddress? { listener.localAddress }

    /// Applies `[sources.http.rate_limit]` from a reloaded config to every connection at once.
    public func updateRateLimits(_ rate: RateLimitConfig) {
        collector.limiter.update(.init(rate))
    }

    public func run() async throws {
        let settings = self.settings
        let collector = self.collector
        let pipeline = self.pipeline
        let metrics = pipeline.metrics
        let resolver = collector.resolver
        let admission = ConnectionAdmission(
            maxConnections: settings.maxConnections, maxPerPeer: settings.maxConnectionsPerIP,
            peer: { channel in
                let peerBytes = channel.remoteAddress.flatMap(ClientAddressResolver.bytes(of:))
                let viaProxy = peerBytes.map(resolver.isTrusted) ?? false
                return viaProxy ? nil : channel.remoteAddress.flatMap(SourceAddress.init(socketAddress:))
            },
            onRefused: { metrics.httpConnectionsRefused.increment() })
        try await listener.serveConnections(
            admission: admission, drainTimeout: settings.drainTimeout, anonymizeIP: pipeline.anonymizeIP,
            initialize: { channel in
                let connectionGuard = HTTPConnectionGuard(
                    idleTimeout: .init(settings.idleTimeout), requestTimeout: .init(settings.requestTimeout),
                    maxHeadBytes: settings.maxHeaderBytes,
                    onTimeout: { expiry in if expiry == .slowRequest { metrics.countHTTPStatus(408) } })
                var limits = NIOHTTPDecoderLimitConfiguration()
                limits.maxHeaderListSize = settings.maxHeaderBytes
                limits.maxHeaderFieldSize = settings.maxHeaderBytes
                limits.maxHeaderFieldCount = 256
                let sync = channel.pipeline.syncOperations
                try sync.addHandler(LingeringClose())
                try sync.addHandler(connectionGuard)
                try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes,
                                                                            limitConfiguration: limits)))
                try sync.addHandler(HTTPResponseEncoder())
                try sync.addHandler(HTTPIngestHandler(collector: collector, handoff: pipeline.handoff, connectionGuard: connectionGuard))
            })
    }
}
