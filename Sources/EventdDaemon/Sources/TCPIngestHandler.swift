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
final class TCPIngestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var framer: LineFramer
    private let builder: BatchBuilder
    private let handoff: RingHandoff
    private let metrics: EventdMetrics
    private let makeContext: (SocketAddress?) -> IngestContext
    private var ingestContext: IngestContext?

    private var firstLine = true
    private var ackMode = false
    private var acks = AckSequencer()
    /// Batches cut but not yet accepted by the ring, oldest first.
    private var outbox: [IngestBatch] = []
    private var waitingForSpace = false
    private var draining = false
    /// The drained connection's output is shut down (`LingeringClose` takes it from there).
    private var outputClosed = false

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
        context.read()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        metrics.tcpConnections.decrement()
        // The sender closed: its last line counts even without a newline — unless eventd closed a
        // draining connection: then that line was cut short by eventd's stop reading, the sender
        // gets no ack for it and sends it again.
        if !draining { finishLastLine(context: context) }
        cut()
        pushOutbox(context: context)
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
        if pushOutbox(context: context), !draining {
            context.read()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainAndClose {
            draining = true
            cut()
            closeIfDrained(context: context)
        } else if event as? ChannelEvent == .inputClosed {
            // The sender shut down its side (`shutdown(SHUT_WR)`, `nc -N`): everything it sent is read,
            // its last line counts even without a newline, and it still gets every ack before the close.
            finishLastLine(context: context)
            draining = true
            cut()
            closeIfDrained(context: context)
            context.fireUserInboundEventTriggered(event)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    // MARK: - Lines

    private func handle(_ frame: LineFramer.Frame, ingest: IngestContext, context: ChannelHandlerContext) {
        switch frame {
        case .line(let line):
            handle(line: line, ingest: ingest, context: context)
        case .oversize(let prefix, let size):
            builder.rejectOversize(prefix: prefix, size: size, framer: framer, context: ingest)
            if ackMode { cutForAck(context: context) }
        }
    }

    /// At the end of the sender's stream, its last line without a newline still counts
    /// (`printf '{…}' | nc` works).
    private func finishLastLine(context: ChannelHandlerContext) {
        guard let ingest = ingestContext else { return }
        framer.finish { handle($0, ingest: ingest, context: context) }
    }

    private func handle(line: UnsafeRawBufferPointer, ingest: IngestContext, context: ChannelHandlerContext) {
        if firstLine {
            firstLine = false
            if AckHandshake.matches(line) {
                ackMode = true
                builder.keepRejections = true
                return
            }
        }
        builder.ingest(line, context: ingest)
        if ackMode { cutForAck(context: context) }
    }

    /// In ack mode every line is its own batch, so its acknowledgement maps to exactly its events.
    private func cutForAck(context: ChannelHandlerContext) {
        guard let batch = builder.take() else { return }
        let sequence = acks.issue()
        let eventLoop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let contextBox = NIOLoopBound(context, eventLoop: context.eventLoop)
        batch.onCompletion { outcome, batch in
            // Runs on the loader thread: render now, while the batch is still ours, then hop.
            let line = AckLine.render(sequence: sequence, outcome: outcome, batch: batch)
            eventLoop.execute {
                handler.value.ackCompleted(sequence, line: line, context: contextBox.value)
            }
        }
        outbox.append(batch)
    }

    /// Writes `sequence`'s ack, and any held back behind it, once every earlier ack is written.
    private func ackCompleted(_ sequence: Int, line: [UInt8], context: ChannelHandlerContext) {
        let due = acks.completed(sequence, line: line)
        guard !due.isEmpty else { return }
        for line in due {
            var buffer = context.channel.allocator.buffer(capacity: line.count)
            buffer.writeBytes(line)
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
        context.flush()
        closeIfDrained(context: context)
    }

    private func cut() {
        if let batch = builder.take() { outbox.append(batch) }
    }

    /// Moves the outbox into the ring in order. Returns whether it is now empty; if not, reading
    /// stays paused and resumes when the loader signals room.
    @discardableResult
    private func pushOutbox(context: ChannelHandlerContext) -> Bool {
        while let batch = outbox.first {
            switch handoff.offer(batch) {
            case .taken:
                outbox.removeFirst()
            case .full:
                waitForSpace(context: context)
                return false
            case .closed:
                // Only after the loader stopped, which happens after every source has: nothing
                // can take these rows any more. Count them rather than wait forever.
                outbox.forEach(handoff.dropAtShutdown)
                outbox.removeAll()
                return true
            }
        }
        return true
    }

    private func waitForSpace(context: ChannelHandlerContext) {
        guard !waitingForSpace else { return }
        waitingForSpace = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        handoff.onSpaceAvailable {
            eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.waitingForSpace = false
                if handler.pushOutbox(context: context) {
                    if handler.draining {
                        handler.closeIfDrained(context: context)
                    } else if context.channel.isActive {
                        context.read()
                    }
                }
            }
        }
    }

    /// Once a draining connection owes nothing more, shuts down its output after the last ack is
    /// written (a lingering close, see `LingeringClose`: a plain close with the sender's unread lines
    /// in the receive buffer sends RST, which can destroy acks the sender has not read yet).
    private func closeIfDrained(context: ChannelHandlerContext) {
        guard draining, !outputClosed, context.channel.isActive,
              pushOutbox(context: context), acks.outstanding == 0 else { return }
        outputClosed = true
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
