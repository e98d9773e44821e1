/// `[ring]`: the in-memory queue of accepted batches between the sources and the loader.
///
/// When the ring is full, sources push back (TCP stops reading, HTTP answers 503) instead of buffering
/// without bound; UDP datagrams are dropped and counted. Its size is how long a PostgreSQL hiccup eventd
/// can absorb without refusing events.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `RingConfig+Keys.swift`.
public struct RingConfig: Sendable, Equatable {
    /// `capacity`
    public var capacity: Int = 4_096
    /// `max_bytes`
    public var maxBytes: Int = 64 << 20

    /// The defaults above.
    public init() {}
}
