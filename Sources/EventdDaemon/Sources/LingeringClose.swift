import NIOCore

/// The second half of a lingering close: after the connection shut down its output
/// (`close(mode: .output)`, which NIO carries out once every pending write is on the socket), keep
/// reading and discarding what the peer still sends until it closes too, or `timeout` passes.
///
/// Why: closing a socket that still has unread bytes in its receive buffer makes the kernel answer
/// with RST instead of FIN, and an RST can destroy what was sent but not yet read by the peer.
/// A draining TCP connection stops reading, so its sender's later lines are exactly such unread
/// bytes, and the RST can destroy their acks: the sender resends lines that are committed. An HTTP
/// request refused before its body is read (413, 431, 408) leaves the rest of the body unread: the
/// client's write fails with "connection reset" and most HTTP libraries never read the answer.
/// Half-closing first lets the peer read everything and then see a clean end of stream; reading on
/// until the peer closes keeps the receive buffer empty, so the final close is a FIN. The timeout
/// bounds a peer that never closes.
///
/// Placed in front of every handler that parses, so the discarded bytes never reach one. Started
/// with `ChannelHandlerContext.closeLingering()`.
final class LingeringClose: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    /// How long a half-closed connection waits for its peer to close: enough for a sender to read
    /// its last acks and close on the end of stream, short enough never to hold up shutdown.
    static let defaultTimeout: TimeAmount = .seconds(2)

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var lingering = false

    init(timeout: TimeAmount = LingeringClose.defaultTimeout) {
        self.timeout = timeout
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .outputClosed, !lingering {
            lingering = true
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.close(promise: nil) }
            context.read()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After our output is closed nothing can be answered: what the peer still sends is dropped unread.
        guard lingering else { return context.fireChannelRead(data) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard lingering else { return context.fireChannelReadComplete() }
        context.read()  // until the end of stream closes the channel
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }
}

extension ChannelHandlerContext {
    /// Starts a lingering close (`LingeringClose` must be in the pipeline): the output is shut down
    /// once every write before it is on the socket. A channel that cannot half-close is closed.
    func closeLingering() {
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let halfClosed = eventLoop.makePromise(of: Void.self)
        halfClosed.futureResult.whenFailure { _ in loopBound.value.close(promise: nil) }
        close(mode: .output, promise: halfClosed)
    }
}
