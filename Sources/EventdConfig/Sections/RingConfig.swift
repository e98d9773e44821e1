/// `[ring]`: the in-memory queue of accepted batches between the sources and the loader.
///
/// When the ring is full, sources push back (TCP stops reading, HTTP answers 503) instead of buffering
/// without bound; UDP datagrams are dropped and counted. Its size is how long a PostgreSQL hiccup eventd
/// can absorb without refusing events.
public struct RingConfig: Sendable, Equatable {
    /// Slots for batches (`capacity`, default 4096). A power of two from 2 to 1048576, so slot indexes are a
    /// mask, not a division.
    public var capacity: Int = 4_096
    /// Most bytes of batches held at once (`max_bytes`, default 64 MiB), whichever of this and `capacity` is
    /// reached first. It is the ring's memory budget; at least `limits.max_batch_bytes`.
    public var maxBytes: Int = 64 << 20

    /// The defaults above.
    public init() {}
}
