/// Size, shape and time limits applied to every incoming event. Defaults suit a web analytics source.
public struct IngestLimits: Sendable, Equatable {
    /// Largest single event, in bytes of JSON text (default 32 KiB). Larger ⇒ `event_too_large`.
    public var maxEventBytes: Int
    /// Largest batch text (HTTP body or datagram), in bytes (default 500 KiB). Larger ⇒ `batch_too_large`.
    public var maxBatchBytes: Int
    /// Most events in one batch (default 2,500). More ⇒ the whole batch is refused with `too_many_events`.
    public var maxEventsPerBatch: Int
    /// Deepest nesting of objects/arrays, counting the event object as depth 1 (default 32).
    public var maxDepth: Int
    /// How far ahead of `received_at` the corrected event time may be, in µs (default 1 hour).
    public var maxFutureMicros: Int64
    /// How far behind `received_at` the corrected event time may be, in µs (default 30 days).
    public var maxPastMicros: Int64

    /// Longest event name and longest id fields, in characters (the schema's CHECK: 255).
    public static let maxNameCharacters = 255
    public static let maxIDCharacters = 255

    public init(
        maxEventBytes: Int = 32 * 1024,
        maxBatchBytes: Int = 500 * 1024,
        maxEventsPerBatch: Int = 2_500,
        maxDepth: Int = 32,
        maxFutureMicros: Int64 = 3_600 * 1_000_000,
        maxPastMicros: Int64 = 30 * 86_400 * 1_000_000
    ) {
        self.maxEventBytes = maxEventBytes
        self.maxBatchBytes = maxBatchBytes
        self.maxEventsPerBatch = maxEventsPerBatch
        self.maxDepth = maxDepth
        self.maxFutureMicros = maxFutureMicros
        self.maxPastMicros = maxPastMicros
    }
}
