import NIOCore

/// The first handler of an HTTP connection, in front of the HTTP parser: enforces the timeouts of
/// `HTTPConnectionDeadlines` and the size of the request head (request line plus headers).
///
/// The parser's own limit covers only header fields and lets a request line (URL) grow without
/// bound, so the head is measured here, on the raw bytes, up to the blank line that ends it; a
/// longer head gets `431` and the connection is closed before the parser ever buffers it.
/// Replies from here are written as raw bytes: the parser's state is not trusted any more.
final class HTTPConnectionGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var deadlines: HTTPConnectionDeadlines
    private let maxHeadBytes: Int
    private var headBytes = 0
    private var headOpen = true
    /// How much of "\r\n\r\n" the last bytes matched.
    private var terminatorMatched = 0
    private var timer: Scheduled<Void>?
    private var closed = false
    private let onTimeout: (HTTPConnectionDeadlines.Expiry) -> Void

    init(idleTimeout: TimeAmount, requestTimeout: TimeAmount, maxHeadBytes: Int,
         onTimeout: @escaping (HTTPConnectionDeadlines.Expiry) -> Void = { _ in }) {
        deadlines = HTTPConnectionDeadlines(idleTimeout: idleTimeout, requestTimeout: requestTimeout, now: .now())
        self.maxHeadBytes = maxHeadBytes
        self.onTimeout = onTimeout
    }

    func channelActive(context: ChannelHandlerContext) {
        deadlines.responseSent(now: .now())
        arm(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let buffer = unwrapInboundIn(data)
        if deadlines.bytesArrived(now: .now()) { arm(context: context) }
        if headOpen, case .receiving = deadlines.phase {
            let counted = buffer.withUnsafeReadableBytes { measureHead($0) }
            headBytes += counted
            if headBytes > maxHeadBytes {
                refuse(context: context, status: "431 Request Header Fields Too Large", reason: "header_too_large",
                       detail: "The request line and headers pass \(maxHeadBytes) bytes.")
                return
            }
        }
        context.fireChannelRead(data)
    }

    /// Counts the bytes of `bytes` that belong to the head, closing it at the blank line.
    private func measureHead(_ bytes: UnsafeRawBufferPointer) -> Int {
        for (offset, byte) in bytes.enumerated() {
            let expected: UInt8 = terminatorMatched % 2 == 0 ? 0x0D : 0x0A
            if byte == expected {
                terminatorMatched += 1
            } else if byte == 0x0A, terminatorMatched == 2 || terminatorMatched == 0 {
                // Bare LF line endings (tolerated by the parser): "\n\n" ends the head as well.
                terminatorMatched = terminatorMatched == 0 ? 2 : 4
            } else {
                terminatorMatched = byte == 0x0D ? 1 : 0
            }
            if terminatorMatched == 4 {
                headOpen = false
                terminatorMatched = 0
                return offset + 1
            }
        }
        return bytes.count
    }

    /// The request's last byte was parsed: stop the request clock.
    func requestComplete() {
        deadlines.requestComplete()
        timer?.cancel()
        timer = nil
    }

    /// The answer was written: the next bytes start a new request — unless a pipelining client's
    /// next head was already parsed (`nextHeadParsed`), in which case they are that request's body.
    func responseSent(context: ChannelHandlerContext, nextHeadParsed: Bool = false) {
        deadlines.responseSent(now: .now())
        headOpen = !nextHeadParsed
        headBytes = 0
        terminatorMatched = 0
        arm(context: context)
    }

    private func arm(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        guard let deadline = deadlines.deadline, !closed else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.check(context: context)
        }
    }

    private func check(context: ChannelHandlerContext) {
        guard !closed else { return }
        switch deadlines.expired(now: .now()) {
        case .idle?:
            onTimeout(.idle)
            closed = true
            context.close(promise: nil)
        case .slowRequest?:
            onTimeout(.slowRequest)
            refuse(context: context, status: "408 Request Timeout", reason: "request_timeout",
                   detail: "The request did not arrive in full within \(deadlines.requestTimeout.nanoseconds / 1_000_000) ms.")
        case nil:
            arm(context: context)
        }
    }

    private func refuse(context: ChannelHandlerContext, status: String, reason: String, detail: String) {
        closed = true
        timer?.cancel()
        timer = nil
        let body = #"{"success":false,"errors":[{"reason":""# + reason + #"","detail":""# + detail + #""}]}"#
        let response = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + body
        let buffer = context.channel.allocator.buffer(string: response)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        // Lingering, so that the rest of the head or body the client is still sending cannot turn the
        // close into an RST that destroys this answer.
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in loopBound.value.closeLingering() }
    }
}
