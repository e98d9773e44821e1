import EventdCore
import NIOCore
import NIOHTTP1

/// One HTTP/1.1 connection: carries out what `HTTPCollector` decides.
///
/// Requests are served strictly one after another. Reading is manual (`autoRead` off) and paused
/// while a request is being answered, so a pipelining client gets its answers in order and can
/// have at most one read's worth of further requests parsed ahead (queued in `pipelined`).
///
/// Durable requests (the API routes) are answered from `IngestBatch.onCompletion`, i.e. once the
/// loader has committed their rows — the HTTP equivalent of a TCP ack. Beacons and pixels are
/// answered as soon as the ring took the batch (see `answerAfterRing`). A full ring is never waited
/// on: the sender gets `503` with `Retry-After` and its SDK retries, which keeps memory bounded.
final class HTTPIngestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case reading(HTTPRequestPlan, body: ByteBuffer, inflater: BodyInflater?, finished: Bool)
        /// The request was refused at its head; its small body is skipped, then `reply` is sent.
        case skipping(HTTPReply)
        /// The request was refused before its body was read; the connection closes after the answer.
        case discarding
        case responding
    }

    private let collector: HTTPCollector
    private let handoff: RingHandoff
    private let pool: BatchPool
    private let metrics: EventdMetrics
    private let connectionGuard: HTTPConnectionGuard
    private var decoder: EventDecoder?
    private var state = State.idle
    private var pipelined: [HTTPServerRequestPart] = []
    private var keepAlive = true
    private var draining = false

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
        let part = unwrapInboundIn(data)
        if case .responding = state {
            pipelined.append(part)
            return
        }
        handle(part, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .responding = state {} else if context.channel.isActive { context.read() }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is DrainAndClose else { return context.fireUserInboundEventTriggered(event) }
        draining = true
        if case .idle = state, pipelined.isEmpty { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Parser errors: the byte stream can no longer be trusted, so answer if we can and close.
        guard let parserError = error as? HTTPParserError else { return context.close(promise: nil) }
        switch state {
        case .responding, .discarding:
            context.close(promise: nil)
        case .idle, .reading, .skipping:
            let reply: HTTPReply = parserError == .headerOverflow
                ? .failure(.requestHeaderFieldsTooLarge, .headerTooLarge, "The request headers are too large.", close: true)
                : .failure(.badRequest, .malformedRequest, "The request is not valid HTTP/1.1.", close: true)
            state = .discarding
            send(reply, context: context)
        }
    }

    // MARK: - Requests

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (part, state) {
        case (.head(let head), .idle):
            keepAlive = head.isKeepAlive
            switch collector.head(head, peer: context.remoteAddress, now: .now()) {
            case .reply(let reply):
                if reply.close {
                    state = .discarding
                    send(reply, context: context)
                } else {
                    state = .skipping(reply)  // answered once the (small) body has gone by
                }
            case .read(let plan):
                if plan.expectsContinue {
                    context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                                          promise: nil)
                }
                let capacity = min(plan.maxBodyBytes, head.headers.first(name: "content-length").flatMap { Int($0) } ?? 4096)
                state = .reading(plan, body: context.channel.allocator.buffer(capacity: max(capacity, 64)),
                                 inflater: plan.encoding.map(BodyInflater.init), finished: false)
            }
        case (.body(let chunk), .reading(let plan, var body, let inflater, var finished)):
            state = .responding  // placeholder while `body` is uniquely held
            if let inflater {
                if !finished {
                    let status = chunk.withUnsafeReadableBytes { inflater.inflate($0, into: &body, limit: plan.maxBodyBytes) }
                    switch status {
                    case .needsMore: break
                    case .finished: finished = true
                    case .tooLarge: return refuseBody(.bodyTooLarge, plan: plan, context: context)
                    case .malformed: return refuseBody(.malformedEncoding, plan: plan, context: context)
                    }
                }
            } else {
                guard body.readableBytes + chunk.readableBytes <= plan.maxBodyBytes else {
                    return refuseBody(.bodyTooLarge, plan: plan, context: context)
                }
                var chunk = chunk
                body.writeBuffer(&chunk)
            }
            state = .reading(plan, body: body, inflater: inflater, finished: finished)
        case (.end, .reading(let plan, let body, let inflater, let finished)):
            connectionGuard.requestComplete()
            state = .responding
            if inflater != nil, !finished, plan.method != .GET {
                return refuseBody(.malformedEncoding, plan: plan, context: context, afterEnd: true)
            }
            finish(plan, body: body, context: context)
        case (.end, .skipping(let reply)):
            connectionGuard.requestComplete()
            state = .responding
            send(reply, context: context)
        case (.body, .skipping), (_, .discarding):
            break
        default:
            // Parts out of order cannot come from the parser; treat as a broken connection.
            context.close(promise: nil)
        }
    }

    private func refuseBody(_ refusal: HTTPRefusal, plan: HTTPRequestPlan, context: ChannelHandlerContext,
                            afterEnd: Bool = false) {
        var reply: HTTPReply = refusal == .bodyTooLarge
            ? .failure(.payloadTooLarge, .bodyTooLarge, "The body (decompressed) passes \(plan.maxBodyBytes) bytes.")
            : .failure(.badRequest, .malformedEncoding, "The body is not valid \(plan.encoding == .gzip ? "gzip" : "deflate") data.")
        reply.headers.add(contentsOf: plan.replyHeaders)
        // The rest of the body is not read: close rather than parse what follows as a new request.
        reply.close = !afterEnd
        state = afterEnd ? .responding : .discarding
        send(reply, context: context)
    }

    private func finish(_ plan: HTTPRequestPlan, body: ByteBuffer, context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        let decision = body.withUnsafeReadableBytes {
            collector.body(plan, body: $0, now: now, receivedAt: Timestamp.now())
        }
        switch decision {
        case .reply(let reply):
            send(reply, context: context)
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

        if var limited = collector.charge(work, events: received, now: now) {
            pool.recycle(batch)
            limited.headers.replaceOrAdd(name: "X-Eventd-Events", value: String(received))
            return send(limited, context: context)
        }
        if work.dropAsBot {
            metrics.droppedBot.increment(by: received)
            pool.recycle(batch)
            return send(work.reply(Receipt(fate: .droppedBot, received: received, refusals: [])), context: context)
        }
        metrics.received.increment(by: received)
        metrics.accepted.increment(by: summary.accepted)
        metrics.counters(.http, work.adapter.name)?.count(accepted: summary.accepted, refused: summary.rejected)
        if summary.sanitized > 0 { metrics.sanitized.increment(by: summary.sanitized) }
        for rejection in batch.decodeRejections { metrics.countRejected(rejection.reason) }

        if summary.accepted == 0, !batch.decodeRejections.isEmpty {
            // Nothing of it can land: answer now. The refusals still go to analytics.rejected_events
            // when the ring has room; when it has not, they are counted as dropped.
            let refused = work.reply(Receipt(fate: .refused, received: received, refusals: batch.decodeRejections))
            if handoff.offer(batch) != .taken { handoff.dropRingFull(batch, events: received) }
            return send(refused, context: context)
        }

        switch work.delivery {
        case .durable:
            let rejections = batch.decodeRejections
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            batch.onCompletion { outcome, _ in
                // On the loader thread: decide the answer here, write it on the connection's loop.
                let reply = work.reply(Receipt(outcome, received: received, refusals: rejections))
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.send(reply, context: context)
                }
            }
            if handoff.offer(batch) != .taken { refuseRingFull(batch, work: work, context: context) }
        case .beacon, .pixel:
            // Answering before the commit is acceptable here: a browser discards a beacon's (and an
            // image's) response, and cannot retry one, so waiting for PostgreSQL would only hold a
            // connection and a page unload open for nothing. What the 204 promises is that eventd
            // has the events in its ring; the loader retries PostgreSQL until shutdown's deadline.
            guard handoff.offer(batch) == .taken else { return refuseRingFull(batch, work: work, context: context) }
            send(work.reply(Receipt(fate: .queued, received: received, refusals: batch.decodeRejections)), context: context)
        }
    }

    private func refuseRingFull(_ batch: IngestBatch, work: HTTPIngestWork, context: ChannelHandlerContext) {
        handoff.dropRingFull(batch, events: batch.received)  // also forgets the completion
        send(work.refusal(RequestRefusal(.serviceUnavailable, .unavailable,
                                         "eventd is saturated (its queue to PostgreSQL is full); retry shortly.",
                                         retryAfter: HTTPOutcomeReply.retryAfterUnavailable)), context: context)
    }

    // MARK: - Answers

    private func send(_ reply: HTTPReply, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        metrics.countHTTPStatus(Int(reply.status.code))
        let close = reply.close || draining || !keepAlive
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

    private func responseWritten(context: ChannelHandlerContext) {
        guard case .responding = state else { return }
        state = .idle
        let nextHeadParsed = pipelined.contains { if case .head = $0 { true } else { false } }
        connectionGuard.responseSent(context: context, nextHeadParsed: nextHeadParsed)
        while !pipelined.isEmpty {
            let part = pipelined.removeFirst()
            handle(part, context: context)
            if case .responding = state { return }
        }
        if draining, case .idle = state { return context.close(promise: nil) }
        if context.channel.isActive { context.read() }
    }
}
