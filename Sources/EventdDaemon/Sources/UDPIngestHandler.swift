import EventdCore
import Logging
import NIOCore

/// Datagrams of JSON: one event, a batch object, or several NDJSON lines, up to 64 KiB each.
///
/// UDP has no backpressure, so when the ring is full the batch is dropped — counted in
/// `eventd_events_dropped_total{cause="ring_full"}` and logged at most once per interval, never per
/// datagram, so a flood cannot turn into a logging storm.
final class UDPIngestHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let pipeline: IngestPipeline
    private let builder: BatchBuilder
    private let handoff: RingHandoff
    /// Only for its limit and its oversize refusal: datagrams are framed statelessly.
    private let framer: LineFramer
    private var dropLog = RateLimitedLog(interval: .seconds(10))
    private var refusedLog = RateLimitedLog(interval: .seconds(10))

    init(pipeline: IngestPipeline, maxDatagramBytes: Int) {
        self.pipeline = pipeline
        self.builder = pipeline.makeBuilder(transport: .udp)
        self.handoff = pipeline.handoff
        self.framer = LineFramer(maxLineBytes: maxDatagramBytes)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let ingest = pipeline.context(transport: .udp, peer: envelope.remoteAddress)
        envelope.data.withUnsafeReadableBytes { bytes in
            // Each datagram stands alone: a line never continues into the next datagram.
            LineFramer.forEachLine(inDatagram: bytes, maxLineBytes: framer.maxLineBytes) { frame in
                switch frame {
                case .line(let line):
                    let summary = builder.ingest(line, context: ingest)
                    if summary.rejected > 0 { noteRefused(summary.rejected, from: envelope.remoteAddress) }
                case .oversize(let prefix, let size):
                    builder.rejectOversize(prefix: prefix, size: size, framer: framer, context: ingest)
                    noteRefused(1, from: envelope.remoteAddress)
                }
            }
        }
        if builder.shouldCut { pushOrDrop() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        pushOrDrop()
        context.fireChannelReadComplete()
    }

    /// UDP senders never hear about refusals, so the operator must: counted per reason in
    /// `eventd_events_rejected_total`, stored in analytics.rejected_events, and logged here at a
    /// bounded pace.
    private func noteRefused(_ count: Int, from peer: SocketAddress) {
        if let total = refusedLog.shouldLog(count: count, at: .now) {
            pipeline.logger.notice("refused UDP events; see analytics.rejected_events for reasons", metadata: [
                LogKey.count: "\(total)", LogKey.peer: "\(RefusedConnectionLog.peer(peer, anonymize: pipeline.anonymizeIP))",
            ])
        }
    }

    private func pushOrDrop() {
        guard let batch = builder.take() else { return }
        guard handoff.offer(batch) != .taken else { return }
        let rows = batch.events.rowCount
        handoff.dropRingFull(batch, events: rows)
        if let suppressed = dropLog.shouldLog(count: rows, at: .now) {
            pipeline.logger.warning("ring full: dropping UDP events (PostgreSQL is slower than intake)", metadata: [
                LogKey.count: "\(suppressed)",
            ])
        }
    }
}
