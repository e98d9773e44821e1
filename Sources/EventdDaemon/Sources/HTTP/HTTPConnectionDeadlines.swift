import NIOCore

/// The timing rules of one HTTP connection, as a plain state machine driven with explicit times.
///
/// - Between requests a keep-alive connection may stay silent for `idleTimeout`, then it is closed.
///   Before its first request, only for `min(idleTimeout, requestTimeout)`: a client that opens
///   connections and sends nothing (to hold every slot until `idleTimeout`) loses them quickly.
/// - From the first byte of a request to its last, at most `requestTimeout` may pass, however
///   steadily the bytes trickle in; then the sender gets `408` and the connection is closed. This
///   is what stops a slowloris client, which sends a header byte every few seconds precisely so
///   that no idle timer ever fires.
/// - While eventd is answering (waiting for the commit) no timer runs: the loader's own drain
///   deadline bounds that wait, and the sender is waiting for us, not the other way round.
struct HTTPConnectionDeadlines {
    enum Phase: Equatable {
        case idle(since: NIODeadline)
        case receiving(since: NIODeadline)
        case responding
    }

    enum Expiry: Equatable {
        /// Close quietly.
        case idle
        /// Answer 408 and close.
        case slowRequest
    }

    let idleTimeout: TimeAmount
    let requestTimeout: TimeAmount
    private(set) var phase: Phase
    /// Whether a request has been answered: until then the shorter first-request wait applies.
    private var answeredOne = false

    init(idleTimeout: TimeAmount, requestTimeout: TimeAmount, now: NIODeadline) {
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        phase = .idle(since: now)
    }

    /// Bytes arrived: the first bytes after an idle spell start a request's clock.
    /// Returns whether the deadline moved.
    @discardableResult
    mutating func bytesArrived(now: NIODeadline) -> Bool {
        guard case .idle = phase else { return false }
        phase = .receiving(since: now)
        return true
    }

    /// The request's last byte arrived; eventd is working on the answer.
    mutating func requestComplete() { phase = .responding }

    /// The answer has been written; the connection is idle again.
    mutating func responseSent(now: NIODeadline) {
        if case .responding = phase { answeredOne = true }
        phase = .idle(since: now)
    }

    /// When the next check is due, or nil while responding.
    var deadline: NIODeadline? {
        switch phase {
        case .idle(let since): since + (answeredOne ? idleTimeout : min(idleTimeout, requestTimeout))
        case .receiving(let since): since + requestTimeout
        case .responding: nil
        }
    }

    /// What has expired at `now`, if anything.
    func expired(now: NIODeadline) -> Expiry? {
        guard let deadline, now >= deadline else { return nil }
        if case .receiving = phase { return .slowRequest }
        return .idle
    }
}
