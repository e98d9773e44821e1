/// `[limits]`: size, shape and time limits applied to every incoming event, whatever the source.
///
/// Events outside these limits are refused with a documented reason and counted; the rest of their batch
/// is still accepted unless the batch itself is over a limit.
public struct LimitsConfig: Sendable, Equatable {
    /// Largest single event, in bytes of JSON (`max_event_bytes`, default 32768 = 32 KiB). Larger events are
    /// refused (`event_too_large`). Raise it if you send large property bags; rows grow with it.
    public var maxEventBytes: Int = 32 * 1024
    /// Largest batch (HTTP body, datagram or TCP line), in bytes (`max_batch_bytes`, default 512000 = 500 KiB).
    /// Larger batches are refused whole (`batch_too_large`). At most `ring.max_bytes`.
    public var maxBatchBytes: Int = 500 * 1024
    /// Most events in one batch (`max_events_per_batch`, default 2500). More are refused whole
    /// (`too_many_events`).
    public var maxEventsPerBatch: Int = 2_500
    /// Deepest nesting of objects and arrays, counting the event object as depth 1 (`max_depth`, default 32).
    /// It bounds the work of parsing hostile input.
    public var maxDepth: Int = 32
    /// How far in the future, after clock-skew correction, an event's time may be (`max_future`, default `1h`).
    /// Later events are refused (`timestamp_in_future`); they usually come from a wrong device clock.
    public var maxFuture: Duration = .seconds(3_600)
    /// How far in the past an event's time may be (`max_past`, default `30d`). Older events are refused
    /// (`timestamp_too_old`). Raise it to backfill history; keep it within `maintenance.event_retention`.
    public var maxPast: Duration = .seconds(30 * 86_400)

    /// The defaults above.
    public init() {}
}
