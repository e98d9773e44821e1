import EventdCore
import Logging
import NIOCore

/// What every source shares: the ring it feeds, the batch pool, the decoding rules and the
/// metrics. Sources ask it for per-connection handlers, each with its own decoder and batch.
public final class IngestPipeline: Sendable {
    let ring: IngestRing
    let pool: BatchPool
    let metrics: EventdMetrics
    /// `[limits]`, replaced by a config reload: read once per TCP connection, UDP datagram and HTTP request.
    let liveLimits: LiveValue<IngestLimits>
    let anonymizeIP: Bool
    let logger: Logger

    public init(ring: IngestRing, pool: BatchPool, metrics: EventdMetrics, limits: IngestLimits,
                anonymizeIP: Bool, logger: Logger) {
        self.ring = ring
        self.pool = pool
        self.metrics = metrics
        self.liveLimits = LiveValue(limits)
        self.anonymizeIP = anonymizeIP
        self.logger = logger
    }

    var limits: IngestLimits { liveLimits.value }

    /// How every source hands its batches to the ring.
    var handoff: RingHandoff { RingHandoff(ring: ring, pool: pool, metrics: metrics) }

    func makeBuilder(transport: Transport) -> BatchBuilder {
        BatchBuilder(metrics: metrics, pool: pool, transport: transport)
    }

    /// The per-text context: receipt time now, the sender's address (anonymised unless configured
    /// otherwise) and the transport.
    func context(transport: Transport, peer: SocketAddress?, sourceKey: String? = nil) -> IngestContext {
        IngestContext(
            receivedAt: Timestamp.now(),
            transport: transport,
            sourceAddress: peer.flatMap(SourceAddress.init(socketAddress:)),
            anonymiseSourceAddress: anonymizeIP,
            sourceKey: sourceKey,
            limits: limits
        )
    }

    func makeTCPHandler(maxLineBytes: Int) -> TCPIngestHandler {
        TCPIngestHandler(
            framer: LineFramer(maxLineBytes: maxLineBytes, oversizeReason: .batchTooLarge),
            builder: makeBuilder(transport: .tcp),
            handoff: handoff,
            makeContext: { [self] peer in self.context(transport: .tcp, peer: peer) }
        )
    }
}

extension SourceAddress {
    /// The address of a socket peer, read from its sockaddr without going through text.
    init?(socketAddress: SocketAddress) {
        switch socketAddress {
        case .v4(let v4):
            var address = v4.address.sin_addr
            self = withUnsafeBytes(of: &address) { SourceAddress(bytes: $0) }!
        case .v6(let v6):
            var address = v6.address.sin6_addr
            self = withUnsafeBytes(of: &address) { SourceAddress(bytes: $0) }!
        case .unixDomainSocket:
            return nil
        }
    }
}
