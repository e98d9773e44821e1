import EventdCore
import NIOCore

/// One TCP connection of newline-delimited JSON.
///
/// Reading is manual (`autoRead` is off): the handler asks for the next read only after the
/// previous one's batch is in the ring. When the ring is full the connection simply stops being
/// read — the kernel's receive window fills and the sender is backpressured — and reading resumes
/// when the loader has made room. Nothing is ever buffered without bound.
///
/// Ack mode: a sender that sends the line `{"ack":true}` first gets one JSON line back for every
/// following line, in order, once that line's events are committed in PostgreSQL:
/// `{"ack":N,"accepted":A,"rejected":R,"errors":[{"index":i,"messageId":"…","reason":"…"}]}`.
/// Lines' batches may complete out of order (the loader commits on several connections at once);
/// `AckSequencer` holds an early ack until the ones before it are written.
///
/// Every decision — when to read, offer, write an ack, close — is `TCPConnectionStateMachine`'s;
/// this handler frames and decodes the bytes and carries out the actions.
final class TCPIngestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var framer: LineFramer
    private let builder: BatchBuilder
    private let handoff: RingHandoff
    private let metrics: EventdMetrics
    private let makeContext: (SocketAddress?) -> IngestContext
    private var ingestContext: IngestContext?
    /// Every decision: this handler only frames, decodes and carries out its actions.
    private var machine = TCPConnectionStateMachine<IngestBatch>()

    init(framer: LineFramer, builder: BatchBuilder, handoff: RingHandoff,
         makeContext: @escaping (SocketAddress?) -> IngestContext) {
        self.framer = framer
        self.builder = builder
        self.handoff = handoff
        self.metrics = handoff.metrics
        self.makeContext = makeContext
    }

    func channelActive(context: ChannelHandlerContext) {
        ingestContext = makeContext(context.remoteAddress)
        metrics.tcpConnections.increment()
        run(machine.connected(), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        metrics.tcpConnections.decrement()
        if machine.connectionClosed() { finishLastLine(context: context) }
        cut()
        run(machine.flush(offer: handoff.offer), context: context)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        // Receipt time is per read, not per connection: a long-lived connection would otherwise
        // stamp every event with the time it connected (wrong received_at, wrong skew correction,
        // and timestamp_out_of_range refusals once the connection is older than limits.max_future).
        ingestContext?.receivedAt = Timestamp.now()
        guard let ingest = ingestContext else { return }
        buffer.withUnsafeReadableBytes { bytes in
            framer.feed(bytes) { handle($0, ingest: ingest, context: context) }
        }
        if builder.shouldCut { cut() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        cut()
        run(machine.readComplete(offer: handoff.offer), context: context)
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainAndClose {
            machine.drainRequested()
            cut()
            run(machine.flush(offer: handoff.offer), context: context)
        } else if event as? ChannelEvent == .inputClosed {
            if machine.inputClosed() { finishLastLine(context: context) }
            cut()
            run(machine.flush(offer: handoff.offer), context: context)
            context.fireUserInboundEventTriggered(event)
        } else if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            run(machine.idleTimedOut(), context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        run(machine.errorCaught(), context: context)
    }

    // MARK: - Lines

    private func handle(_ frame: LineFramer.Frame, ingest: IngestContext, context: ChannelHandlerContext) {
        let action: TCPConnectionStateMachine<IngestBatch>.LineAction
        switch frame {
        case .line(let line):
            action = machine.lineFramed(isAckHandshake: AckHandshake.matches(line))
            switch action {
            case .enterAckMode: builder.keepRejections = true
            case .ingest: builder.ingest(line, context: ingest)
            }
        case .oversize(let prefix, let size):
            action = machine.oversizeLineFramed()
            builder.rejectOversize(prefix: prefix, size: size, framer: framer, context: ingest)
        }
        if action == .ingest(cut: true) { cutLine(context: context) }
    }

    /// At the end of the sender's stream, its last line without a newline still counts
    /// (`printf '{…}' | nc` works).
    private func finishLastLine(context: ChannelHandlerContext) {
        guard let ingest = ingestContext else { return }
        framer.finish { handle($0, ingest: ingest, context: context) }
    }

    /// Cuts a line's batch in ack mode and asks for its ack once the loader is done with it.
    private func cutLine(context: ChannelHandlerContext) {
        guard let batch = builder.take() else { return }
        let sequence = machine.lineCut(batch)
        let eventLoop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let contextBox = NIOLoopBound(context, eventLoop: context.eventLoop)
        batch.onCompletion { outcome, batch in
            // Runs on the loader thread: render now, while the batch is still ours, then hop.
            let line = AckLine.render(sequence: sequence, outcome: outcome, batch: batch)
            eventLoop.execute {
                let handler = handler.value
                handler.run(handler.machine.ackReady(sequence, line: line), context: contextBox.value)
            }
        }
    }

    private func cut() {
        if let batch = builder.take() { machine.batchCut(batch) }
    }

    // MARK: - Actions

    private func run(_ action: TCPConnectionStateMachine<IngestBatch>.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .read:
            context.read()
        case .waitForSpace:
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            handoff.onSpaceAvailable {
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.run(handler.machine.spaceAvailable(offer: handler.handoff.offer), context: context)
                }
            }
        case .writeAcks(let lines, let thenCloseOutput):
            for line in lines {
                var buffer = context.channel.allocator.buffer(capacity: line.count)
                buffer.writeBytes(line)
                context.write(wrapOutboundOut(buffer), promise: nil)
            }
            context.flush()
            if thenCloseOutput { closeOutput(context: context) }
        case .closeOutput:
            closeOutput(context: context)
        case .close:
            context.close(promise: nil)
        case .dropAtShutdown(let batches, let then):
            batches.forEach(handoff.dropAtShutdown)
            run(then, context: context)
        }
    }

    /// Shuts down the output after the last ack is written (a lingering close, see `LingeringClose`:
    /// a plain close with the sender's unread lines in the receive buffer sends RST, which can
    /// destroy acks the sender has not read yet).
    private func closeOutput(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        // An empty write completes once every ack before it is on the socket; close only then: after
        // the sender's half-close NIO makes an output close a full one, which drops queued writes.
        let barrier = context.channel.allocator.buffer(capacity: 0)
        context.writeAndFlush(wrapOutboundOut(barrier)).whenComplete { _ in loopBound.value.closeLingering() }
    }
}

/// Asks a connection to stop reading, hand over what it has, wait for its acks, and close.
struct DrainAndClose: Sendable {}

/// The first line that switches a TCP connection into ack mode.
enum AckHandshake {
    /// `{"ack":true}`, with any whitespace around the tokens.
    static func matches(_ line: UnsafeRawBufferPointer) -> Bool {
        var compact: [UInt8] = []
        compact.reserveCapacity(12)
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D {
            compact.append(byte)
            if compact.count > 12 { return false }
        }
        return compact.elementsEqual(#"{"ack":true}"#.utf8)
    }
}
