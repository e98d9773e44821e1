/// One refused event (or a whole refused text). Built only on the refusal path, so its Strings
/// cost nothing in steady state.
public struct Rejection: Sendable, Equatable {
    /// Position in the batch (0-based); nil for a single event or a whole-text refusal.
    public var index: Int?
    /// The sender's id, when it was found before the event was refused.
    public var messageId: String?
    public var reason: RejectReason
    /// A human sentence naming what was wrong (stored in `detail`).
    public var detail: String
    /// Byte range of the refused event inside the decoded text (the dead letter's `raw`).
    public var rawRange: Range<Int>
}

/// What one `EventDecoder.decode` call did.
public struct DecodeSummary: Sendable, Equatable {
    /// Rows appended to the events buffer.
    public var accepted = 0
    /// Rejections (rows appended to the rejected-events buffer).
    public var rejected = 0
    /// Accepted events in which `\u0000` or lone surrogates were rewritten to U+FFFD.
    public var sanitized = 0

    public init(accepted: Int = 0, rejected: Int = 0, sanitized: Int = 0) {
        self.accepted = accepted
        self.rejected = rejected
        self.sanitized = sanitized
    }
}
