import EventdCore

/// What became of the events of one received text (an HTTP request, a TCP line): the one value
/// every protocol and transport renders its answer from (`AckLine` for TCP, each protocol's
/// `reply` for HTTP).
struct Receipt: Sendable {
    enum Fate: Sendable, Equatable {
        /// Every event was refused while decoding: nothing can land, so the answer does not wait.
        case refused
        /// In eventd's ring; the sender is answered without waiting for PostgreSQL (beacons, pixels).
        case queued
        /// Decoded and counted, but stored nowhere by policy (`drop_bots` and a bot's User-Agent).
        case droppedBot
        /// The loader committed the batch.
        case committed
        /// Durable in eventd's disk spool while PostgreSQL is away; loaded when it is back.
        case spooled
        /// Nothing could be stored (PostgreSQL unreachable at shutdown): resending is safe.
        case failed(String)
    }

    var fate: Fate
    /// Events received (accepted + refused).
    var received: Int
    /// The decoder's refusals: index in the batch, sender's id, reason and detail.
    var refusals: [Rejection]
    /// Rows PostgreSQL itself refused at commit (their messages).
    var refusedByDatabase: [String] = []

    var accepted: Int { max(0, received - refusals.count - refusedByDatabase.count) }
    var refusedCount: Int { refusals.count + refusedByDatabase.count }

    /// The receipt of a batch the loader is done with.
    init(_ outcome: BatchOutcome, received: Int, refusals: [Rejection]) {
        self.received = received
        self.refusals = refusals
        switch outcome {
        case .committed(let refusedByDatabase):
            fate = .committed
            self.refusedByDatabase = refusedByDatabase
        case .spooled: fate = .spooled
        case .failed(let reason): fate = .failed(reason)
        }
    }

    init(fate: Fate, received: Int, refusals: [Rejection]) {
        self.fate = fate
        self.received = received
        self.refusals = refusals
    }

    /// Whether the batch reached PostgreSQL or the spool (or the ring, for answers that do not wait).
    var isStored: Bool {
        switch fate {
        case .refused, .failed: false
        case .queued, .droppedBot, .committed, .spooled: true
        }
    }
}
