/// `[limits]`: size, shape and time limits applied to every incoming event, whatever the source.
///
/// Events outside these limits are refused with a documented reason and counted; the rest of their batch
/// is still accepted unless the batch itself is over a limit.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `LimitsConfig+Keys.swift`.
public struct LimitsConfig: Sendable, Equatable {
    /// `max_event_bytes`
    public var maxEventBytes: Int = 32 * 1024
    /// `max_batch_bytes`
    public var maxBatchBytes: Int = 500 * 1024
    /// `max_events_per_batch`
    public var maxEventsPerBatch: Int = 2_500
    /// `max_depth`
    public var maxDepth: Int = 32
    /// `max_future`
    public var maxFuture: Duration = .seconds(3_600)
    /// `max_past`
    public var maxPast: Duration = .seconds(30 * 86_400)

    /// The defaults above.
    public init() {}
}
