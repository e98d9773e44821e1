import EventdCore
import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection: carries out what `HTTPRequestStateMachine` (the request's course:
/// head, body, answer, keep-alive, pipelining, drain) and `HTTPCollector` (what each head and body
/// is worth) decide, and decodes and submits the events.
///
/// Requests are served strictly one after another. Reading is manual (`autoRead` off) and paused
/// while a request is being answered, so a pipelining client gets its answers in order and can
/// have at most one read's worth of further requests parsed ahead (queued by the state machine).
///
/// Durable requests (the API routes) are answered from `IngestBatch.onCompletion`, i.e. once the
/// loader has committed their rows — the HTTP equivalent of a TCP ack. Beacons and pixels are
/// answered as soon as the ring took the batch (see `HTTPSubmission`). A full ring is never waited
/// on: the sender gets `503` with `Retry-After` and its SDK retries, which keeps memory bounded.
final class HTTPIngestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let collector: HTTPCollector
    private let handoff: RingHandoff
    private let pool: BatchPool
    private let metrics: EventdMetrics
    private let connectionGuard: HTTPConnectionGuard
    private var decoder: EventDecoder?
    /// Every decision about the requests: this handler asks the collector and carries out actions.
    private var machine = HTTPRequestStateMachine()

    init(collector: HTTPCollector, handoff: RingHandoff, connectionGuard: HTTPConnectionGuard) {
        self.collector = collector
        self.handoff = handoff
        self.pool = handoff.pool
        self.metrics = handoff.metrics
        self.connectionGuard = connectionGuard
    }

    func channelActive(context: ChannelHandlerContext) {
        metrics.httpConnections.increment()
        context.read()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        metrics.httpConnections.decrement()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        run(machine.partReceived(unwrapInboundIn(data)), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if context.channel.isActive { run(machine.readComplete(), context: context) }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is DrainAndClose else { return context.fireUserInboundEventTriggered(event) }
        run(machine.drainRequested(), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        run(machine.errorCaught(error as? HTTPParserError), context: context)
    }

    // MARK: - Actions

    private func run(_ action: HTTPRequestStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .read:
            context.read()
        case .close:
            context.close(promise: nil)
        case .decideHead(let head):
            run(machine.headDecided(collector.head(head, peer: context.remoteAddress, now: .now())), context: context)
        case .sendContinue(let version):
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .continue))), promise: nil)
        case .send(let reply, let close):
            send(reply, close: close, context: context)
        case .requestComplete(let then):
            connectionGuard.requestComplete()
            run(then, context: context)
        case .decideBody(let plan, let body):
            finish(plan, body: body, context: context)
        }
    }

    /// Answers the current request with `reply`, closing as the state machine says.
    private func answer(_ reply: HTTPReply, context: ChannelHandlerContext) {
        run(machine.answer(reply), context: context)
    }

    private func finish(_ plan: HTTPRequestPlan, body: ByteBuffer, context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        let decision = body.withUnsafeReadableBytes {
            collector.body(plan, body: $0, now: now, receivedAt: Timestamp.now())
        }
        switch decision {
        case .reply(let reply):
            answer(reply, context: context)
        case .ingest(let work):
            ingest(work, body: body, context: context, now: now)
        }
    }

    private func ingest(_ work: HTTPIngestWork, body: ByteBuffer, context: ChannelHandlerContext, now: NIODeadline) {
        if decoder == nil { decoder = EventDecoder() }
        let batch = pool.take()
        let summary: DecodeSummary
        if let text = work.text {
            summary = text.withUnsafeBytes {
                decoder!.decode($0, context: work.context, into: batch.events, rejected: batch.rejections, sender: work.sender)
            }
        } else {
            summary = body.withUnsafeReadableBytes { decoder!.decode($0, context: work.context, into: batch.events, rejected: batch.rejections) }
        }
        let received = summary.accepted + summary.rejected
        batch.received = received
        batch.decodeRejections = decoder!.rejections

        let submission = HTTPSubmission.decide(work, received: received, accepted: summary.accepted,
                                               refusals: batch.decodeRejections,
                                               limited: collector.charge(work, events: received, now: now))
        switch submission {
        case .rateLimited(let reply):
            pool.recycle(batch)
            answer(reply, context: context)
        case .droppedBot(let reply):
            metrics.droppedBot.increment(by: received)
            pool.recycle(batch)
            answer(reply, context: context)
        case .refusedOnly(let reply):
            countIngested(summary, batch: batch, adapter: work.adapter)
            if handoff.offer(batch) != .taken { handoff.dropRingFull(batch, events: received) }
            answer(reply, context: context)
        case .answerAfterCommit:
            countIngested(summary, batch: batch, adapter: work.adapter)
            let rejections = batch.decodeRejections
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            batch.onCompletion { outcome, _ in
                // On the loader thread: decide the answer here, write it on the connection's loop.
                let reply = work.reply(Receipt(outcome, received: received, refusals: rejections))
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.answer(reply, context: context)
                }
            }
            if handoff.offer(batch) != .taken { refuseRingFull(batch, work: work, context: context) }
        case .answerWhenQueued(let reply):
            countIngested(summary, batch: batch, adapter: work.adapter)
            guard handoff.offer(batch) == .taken else { return refuseRingFull(batch, work: work, context: context) }
            answer(reply, context: context)
        }
    }

    /// Counts a decoded request that goes on to the ring (a rate-limited or bot request is counted
    /// as such instead, and never as received).
    private func countIngested(_ summary: DecodeSummary, batch: IngestBatch, adapter: any IngestProtocol) {
        metrics.received.increment(by: batch.received)
        metrics.accepted.increment(by: summary.accepted)
        metrics.counters(.http, adapter.name)?.count(accepted: summary.accepted, refused: summary.rejected)
        if summary.sanitized > 0 { metrics.sanitized.increment(by: summary.sanitized) }
        for rejection in batch.decodeRejections { metrics.countRejected(rejection.reason) }
    }

    private func refuseRingFull(_ batch: IngestBatch, work: HTTPIngestWork, context: ChannelHandlerContext) {
        handoff.dropRingFull(batch, events: batch.received)  // also forgets the completion
        answer(HTTPSubmission.ringFull(work), context: context)
    }

    // MARK: - Answers

    private func send(_ reply: HTTPReply, close: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        metrics.countHTTPStatus(Int(reply.status.code))
        var headers = reply.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.count))
        if close { headers.replaceOrAdd(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers))),
                      promise: nil)
        if !reply.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: reply.body)))), promise: nil)
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            let (handler, context) = loopBound.value
            if close {
                // Lingering: a refused request's unread body must not turn the close into an RST
                // that destroys this answer before the client reads it.
                context.closeLingering()
            } else {
                handler.responseWritten(context: context)
            }
        }
    }

    /// The answer is written: replay what a pipelining client sent meanwhile, then read on.
    private func responseWritten(context: ChannelHandlerContext) {
        guard let nextHeadParsed = machine.responseWritten() else { return }
        connectionGuard.responseSent(context: context, nextHeadParsed: nextHeadParsed)
        while let part = machine.nextPipelinedPart() {
            run(machine.partReceived(part), context: context)
        }
        let next = machine.pipelineReplayed()
        if case .read = next, !context.channel.isActive { return }
        run(next, context: context)
    }
}
