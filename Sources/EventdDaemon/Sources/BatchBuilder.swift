import EventdCore
import NIOCore

/// Per-connection (TCP) or per-socket (UDP) ingest state: decodes each text into the batch being
/// filled, and cuts the batch when it is large enough to hand to the ring.
///
/// Lives on one event loop and is never shared, so the decoder's scratch state and the batch's
/// buffers are reused across reads without synchronisation.
final class BatchBuilder {
    /// Cut a batch at this many bytes even in the middle of a read: large enough to amortise the
    /// ring and COPY overhead, small enough to keep the ring's byte budget fine-grained.
    static let cutBytes = 1 << 20

    private var decoder = EventDecoder()
    private let metrics: EventdMetrics
    private let pool: BatchPool
    /// The line protocol's counters for this builder's transport.
    private let counters: ProtocolCounters?
    private(set) var current: IngestBatch
    /// Keep per-event refusals in the batch, for senders that get them back.
    var keepRejections = false

    init(metrics: EventdMetrics, pool: BatchPool, transport: Transport) {
        self.metrics = metrics
        self.pool = pool
        counters = metrics.counters(transport, ProtocolLabel.lineProtocol)
        self.current = pool.take()
    }

    /// Decodes one text (an NDJSON line, a datagram part, an HTTP body) into the current batch.
    @discardableResult
    func ingest(_ text: UnsafeRawBufferPointer, context: IngestContext) -> DecodeSummary {
        let batch = current
        let summary = decoder.decode(text, context: context, into: batch.events, rejected: batch.rejections)
        batch.received += summary.accepted + summary.rejected
        metrics.countReceived(summary.accepted + summary.rejected, over: context.transport)
        metrics.accepted.increment(by: summary.accepted)
        counters?.count(accepted: summary.accepted, refused: summary.rejected)
        if summary.sanitized > 0 { metrics.sanitized.increment(by: summary.sanitized) }
        if summary.rejected > 0 {
            for rejection in decoder.rejections { metrics.countRejected(rejection.reason) }
            if keepRejections { batch.decodeRejections.append(contentsOf: decoder.rejections) }
        }
        return summary
    }

    /// Records a line the framer dropped for its size as a refusal, with its first bytes.
    func rejectOversize(prefix: UnsafeRawBufferPointer, size: Int, framer: LineFramer, context: IngestContext) {
        let rejection = framer.rejection(forOversize: size)
        CopyRowEncoder.appendRejection(rejection, raw: prefix, rawSize: size, context: context, to: current.rejections)
        if keepRejections { current.decodeRejections.append(rejection) }
        current.received += 1
        metrics.countReceived(1, over: context.transport)
        metrics.countRejected(rejection.reason)
        counters?.count(accepted: 0, refused: 1)
    }

    var shouldCut: Bool { current.contentBytes >= Self.cutBytes }

    /// Hands over the current batch (if it holds anything) and starts a fresh one: one of the pool's large
    /// buffers when this one held more than a quarter of a cut (a sender that brings that much per read
    /// fills the next batch too, and a small buffer would grow through four copies to get there), else a
    /// small one (a small batch in a large buffer would count the whole buffer against the ring's budget).
    func take() -> IngestBatch? {
        guard !current.isEmpty || current.received > 0 else { return nil }
        let batch = current
        current = batch.contentBytes > Self.cutBytes / 4 ? pool.takeLarge() : pool.take()
        return batch
    }
}
