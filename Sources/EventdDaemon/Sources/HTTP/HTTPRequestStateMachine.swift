import NIOCore
import NIOHTTP1

/// The decisions of one HTTP/1.1 connection's requests, with no I/O: head → `HTTPCollector.head`
/// (its policies) → body accumulated under its limit (and inflated) → `HTTPCollector.body` → the
/// reply; keep-alive, pipelining and the drain. `HTTPIngestHandler` feeds it the parser's parts and
/// the collector's decisions and carries out the `Action` each returns.
///
/// Requests are served strictly one after another: while one is being answered the parts of the
/// next (a pipelining client's) are queued, and replayed once the answer is written.
struct HTTPRequestStateMachine {
    enum State {
        case idle
        /// The head is being decided by the collector (`decideHead`): only until `headDecided`.
        case decidingHead(HTTPVersion)
        case reading(HTTPRequestPlan, body: ByteBuffer, inflater: BodyInflater?, finished: Bool)
        /// The request was refused at its head; its small body is skipped, then `reply` is sent.
        case skipping(HTTPReply)
        /// The request was refused before its body was read; the connection closes after the answer.
        case discarding
        case responding
    }

    /// What the handler does next.
    enum Action {
        case none
        /// Ask the socket for the next read.
        case read
        /// Close the connection now.
        case close
        /// Ask `HTTPCollector.head` about this head and report its decision with `headDecided`.
        case decideHead(HTTPRequestHead)
        /// Write `100 Continue`: the client waits for it before sending the body.
        case sendContinue(HTTPVersion)
        /// Write `reply`; then, if `close`, close lingeringly, else report `responseWritten`.
        case send(HTTPReply, close: Bool)
        /// The request's last byte is in (the connection guard's request clock stops), then `then`.
        indirect case requestComplete(then: Action)
        /// Ask `HTTPCollector.body` about the complete body, decode and submit it; its answer comes
        /// back through `answer(_:)`.
        case decideBody(HTTPRequestPlan, body: ByteBuffer)
    }

    private(set) var state = State.idle
    /// Parts that arrived while a request was being answered, oldest first.
    private var pipelined = CircularBuffer<HTTPServerRequestPart>()
    private var keepAlive = true
    private(set) var draining = false
    private let allocator = ByteBufferAllocator()

    var isResponding: Bool {
        if case .responding = state { true } else { false }
    }

    // MARK: - Events

    /// A part from the HTTP parser.
    mutating func partReceived(_ part: HTTPServerRequestPart) -> Action {
        switch (part, state) {
        case (_, .responding):
            pipelined.append(part)
            return .none
        case (.head(let head), .idle):
            keepAlive = head.isKeepAlive
            state = .decidingHead(head.version)
            return .decideHead(head)
        case (.body(let chunk), .reading(let plan, var body, let inflater, var finished)):
            state = .responding  // a placeholder while `body` is uniquely held (no copy on write)
            if let inflater {
                if !finished {
                    let status = chunk.withUnsafeReadableBytes { inflater.inflate($0, into: &body, limit: plan.maxBodyBytes) }
                    switch status {
                    case .needsMore: break
                    case .finished: finished = true
                    case .tooLarge: return refuseBody(.bodyTooLarge, plan: plan)
                    case .malformed: return refuseBody(.malformedEncoding, plan: plan)
                    }
                }
            } else {
                guard body.readableBytes + chunk.readableBytes <= plan.maxBodyBytes else {
                    return refuseBody(.bodyTooLarge, plan: plan)
                }
                var chunk = chunk
                body.writeBuffer(&chunk)
            }
            state = .reading(plan, body: body, inflater: inflater, finished: finished)
            return .none
        case (.end, .reading(let plan, let body, let inflater, let finished)):
            state = .responding
            if inflater != nil, !finished, plan.method != .GET {
                return .requestComplete(then: refuseBody(.malformedEncoding, plan: plan, afterEnd: true))
            }
            return .requestComplete(then: .decideBody(plan, body: body))
        case (.end, .skipping(let reply)):
            state = .responding
            return .requestComplete(then: answer(reply))
        case (.body, .skipping), (_, .discarding):
            return .none
        default:
            // Parts out of order cannot come from the parser; treat as a broken connection.
            return .close
        }
    }

    /// `HTTPCollector.head` decided the head of `decideHead`.
    mutating func headDecided(_ decision: HTTPCollector.HeadDecision) -> Action {
        guard case .decidingHead(let version) = state else { return .close }
        switch decision {
        case .reply(let reply):
            guard reply.close else {
                state = .skipping(reply)  // answered once the (small) body has gone by
                return .none
            }
            state = .discarding
            return answer(reply)
        case .read(let plan):
            let declared = plan.headers.first(name: "content-length").flatMap { Int($0) } ?? 4096
            state = .reading(plan, body: allocator.buffer(capacity: max(min(plan.maxBodyBytes, declared), 64)),
                             inflater: plan.encoding.map(BodyInflater.init), finished: false)
            return plan.expectsContinue ? .sendContinue(version) : .none
        }
    }

    /// The answer to the current request (or to a broken one): whether the connection closes after
    /// it is the reply's, the drain's, and the client's (no keep-alive).
    func answer(_ reply: HTTPReply) -> Action {
        .send(reply, close: reply.close || draining || !keepAlive)
    }

    /// The parser read all it had.
    func readComplete() -> Action {
        isResponding ? .none : .read
    }

    /// The HTTP parser failed (`parserError`), or the channel failed otherwise (nil): the byte stream
    /// can no longer be trusted, so answer if a request is not being answered already, and close.
    mutating func errorCaught(_ parserError: HTTPParserError?) -> Action {
        guard let parserError else { return .close }
        switch state {
        case .responding, .discarding:
            return .close
        case .idle, .decidingHead, .reading, .skipping:
            state = .discarding
            return answer(parserError == .headerOverflow
                ? .failure(.requestHeaderFieldsTooLarge, .headerTooLarge, "The request headers are too large.", close: true)
                : .failure(.badRequest, .malformedRequest, "The request is not valid HTTP/1.1.", close: true))
        }
    }

    /// eventd is shutting down (`DrainAndClose`): an idle connection closes now, a busy one after
    /// its answer.
    mutating func drainRequested() -> Action {
        draining = true
        if case .idle = state, pipelined.isEmpty { return .close }
        return .none
    }

    /// The answer was written and the connection stays open. Returns nil if no request was being
    /// answered; else whether a pipelined request's head was parsed already (the connection guard
    /// counts the next bytes as that request's body). The handler then replays `nextPipelinedPart`.
    mutating func responseWritten() -> Bool? {
        guard isResponding else { return nil }
        state = .idle
        return pipelined.contains { if case .head = $0 { true } else { false } }
    }

    /// The next queued part to replay through `partReceived`, unless a request is being answered.
    mutating func nextPipelinedPart() -> HTTPServerRequestPart? {
        guard !isResponding else { return nil }
        return pipelined.popFirst()
    }

    /// The queued parts are replayed as far as they go: read on, or close a drained connection.
    func pipelineReplayed() -> Action {
        if isResponding { return .none }
        if draining, case .idle = state { return .close }
        return .read
    }

    // MARK: - Decisions

    private mutating func refuseBody(_ refusal: HTTPRefusal, plan: HTTPRequestPlan, afterEnd: Bool = false) -> Action {
        var reply: HTTPReply = refusal == .bodyTooLarge
            ? .failure(.payloadTooLarge, .bodyTooLarge, "The body (decompressed) passes \(plan.maxBodyBytes) bytes.")
            : .failure(.badRequest, .malformedEncoding, "The body is not valid \(plan.encoding == .gzip ? "gzip" : "deflate") data.")
        reply.headers.add(contentsOf: plan.replyHeaders)
        // The rest of the body is not read: close rather than parse what follows as a new request.
        reply.close = !afterEnd
        state = afterEnd ? .responding : .discarding
        return answer(reply)
    }
}
