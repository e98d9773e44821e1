/// The decisions of one TCP connection, with no I/O: when to read, when a batch goes to the ring,
/// which ack lines to write and when, and when to close. `TCPIngestHandler` feeds it events (a line
/// framed, a batch cut, the read finished, the ring made room, a batch's ack rendered, the sender's
/// end of stream, a drain request, the idle timeout, the connection closed) and carries out the
/// `Action` each returns. Generic over the batch so that tests drive it with plain values.
///
/// The ring's answer to an offer is synchronous, so it is passed in (`offer`), like a clock: the
/// machine offers its batches oldest first and decides from the answers.
///
/// What it keeps:
/// - Reading is paused while a batch waits for room in the ring (backpressure: the sender's
///   kernel window fills) and resumes once the ring has taken every batch cut.
/// - In ack mode (first line `{"ack":true}`) every line is its own batch and gets one ack line, in
///   line order, whatever order the loader completes them in (`AckSequencer`).
/// - A draining connection (eventd's shutdown, or the sender's end of stream) reads no more, hands
///   every batch to the ring, writes every ack owed, and only then shuts its output down.
struct TCPConnectionStateMachine<Batch> {
    enum Phase: Equatable {
        /// Reading lines.
        case open
        /// Asked to drain, or the sender ended its stream: no more reads; the output is shut down
        /// once every batch is in the ring and every ack is written.
        case draining
        /// The output is shut down after the last ack (a lingering close follows).
        case outputClosed
        /// The connection is gone: batches still go to the ring, nothing is read or written.
        case closed
    }

    /// What the handler does next.
    enum Action {
        case none
        /// Ask the socket for the next read.
        case read
        /// Call `spaceAvailable` once the ring has room (reading stays paused until then).
        case waitForSpace
        /// Write these ack lines, flush, and then shut the output down if `thenCloseOutput`.
        case writeAcks([[UInt8]], thenCloseOutput: Bool)
        /// Shut the output down once every write before is on the socket (a lingering close).
        case closeOutput
        /// Close the connection now.
        case close
        /// The loader has stopped: fail these batches (their senders retry elsewhere), then `then`.
        indirect case dropAtShutdown([Batch], then: Action)
    }

    /// What to do with a line the framer cut.
    enum LineAction: Equatable {
        /// It was the ack handshake: keep per-line refusals from now on; the line carries no events.
        case enterAckMode
        /// Decode it into the current batch; if `cut`, cut the batch after it (`lineCut`): in ack
        /// mode a line is its own batch, so its ack maps to exactly its events.
        case ingest(cut: Bool)
    }

    private(set) var phase = Phase.open
    private(set) var ackMode = false
    /// The handshake is looked for in the first line only (an oversize line does not count).
    private var awaitingHandshake = true
    private var acks = AckSequencer()
    /// Batches cut but not yet taken by the ring, oldest first.
    private var outbox: [Batch] = []
    private var waitingForSpace = false

    /// Acks owed: lines numbered whose ack is not written yet.
    var acksOutstanding: Int { acks.outstanding }
    /// Batches waiting for the ring.
    var batchesWaiting: Int { outbox.count }

    // MARK: - Events

    /// The connection is open.
    func connected() -> Action { .read }

    /// The framer cut a line. `isAckHandshake` is asked only of the first line.
    mutating func lineFramed(isAckHandshake: @autoclosure () -> Bool) -> LineAction {
        if awaitingHandshake {
            awaitingHandshake = false
            if isAckHandshake() {
                ackMode = true
                return .enterAckMode
            }
        }
        return .ingest(cut: ackMode)
    }

    /// The framer dropped a line for its size; it is recorded as a refusal, and in ack mode answered.
    func oversizeLineFramed() -> LineAction { .ingest(cut: ackMode) }

    /// A line's batch was cut in ack mode; returns the ack's number, for its completion.
    mutating func lineCut(_ batch: Batch) -> Int {
        outbox.append(batch)
        return acks.issue()
    }

    /// A batch was cut for its size, at the end of a read, or at the end of the stream (no ack).
    mutating func batchCut(_ batch: Batch) {
        outbox.append(batch)
    }

    /// The read is processed and its batches cut: hand them to the ring, then read on (or, when
    /// draining, close if nothing more is owed).
    mutating func readComplete(offer: (Batch) -> RingHandoff.Result) -> Action {
        flush(offer: offer)
    }

    /// The ring has room again after `.waitForSpace`.
    mutating func spaceAvailable(offer: (Batch) -> RingHandoff.Result) -> Action {
        waitingForSpace = false
        return flush(offer: offer)
    }

    /// The loader finished line `sequence`'s batch (committed, spooled or failed) and `line` is its
    /// ack: returns the acks now due, in order, and whether the output closes after them.
    mutating func ackReady(_ sequence: Int, line: [UInt8]) -> Action {
        let due = acks.completed(sequence, line: line)
        guard !due.isEmpty, phase != .closed else { return .none }
        return .writeAcks(due, thenCloseOutput: closeIfDrained())
    }

    /// The sender shut down its side (`shutdown(SHUT_WR)`, `nc -N`): everything it sent is read.
    /// Returns whether its unterminated last line counts: always, it ended the stream itself. The
    /// handler then cuts and calls `flush`; the connection drains (every ack before the close).
    mutating func inputClosed() -> Bool {
        if phase == .open { phase = .draining }
        return true
    }

    /// eventd is shutting down (`DrainAndClose`): stop reading, and drain. The handler then cuts
    /// and calls `flush`.
    mutating func drainRequested() {
        if phase == .open { phase = .draining }
    }

    /// The connection closed. Returns whether the sender's unterminated last line counts: yes,
    /// unless eventd had stopped reading (a drain), which may have cut it short; the sender gets no
    /// ack for it and sends it again. The handler then cuts and calls `flush`.
    mutating func connectionClosed() -> Bool {
        defer { phase = .closed }
        return phase == .open
    }

    /// Nothing was read for the idle timeout.
    func idleTimedOut() -> Action { phase == .closed ? .none : .close }

    /// The channel reported an error: the stream cannot be trusted any more.
    func errorCaught() -> Action { phase == .closed ? .none : .close }

    /// Hands the batches cut to the ring, oldest first; then: read on while open, close if drained.
    mutating func flush(offer: (Batch) -> RingHandoff.Result) -> Action {
        while let batch = outbox.first {
            switch offer(batch) {
            case .taken:
                outbox.removeFirst()
            case .full:
                guard !waitingForSpace else { return .none }
                waitingForSpace = true
                return .waitForSpace
            case .closed:
                // Only after the loader stopped, which happens after every source has: nothing can
                // take these rows any more. Fail them rather than wait forever.
                let dropped = outbox
                outbox.removeAll()
                return .dropAtShutdown(dropped, then: afterFlush())
            }
        }
        return afterFlush()
    }

    // MARK: - Decisions

    private mutating func afterFlush() -> Action {
        switch phase {
        case .open: .read
        case .draining: closeIfDrained() ? .closeOutput : .none
        case .outputClosed, .closed: .none
        }
    }

    /// Whether a draining connection owes nothing more (every batch in the ring, every ack written),
    /// and so shuts its output down now.
    private mutating func closeIfDrained() -> Bool {
        guard phase == .draining, outbox.isEmpty, acks.outstanding == 0 else { return false }
        phase = .outputClosed
        return true
    }
}

extension TCPConnectionStateMachine.Action: Equatable where Batch: Equatable {}
