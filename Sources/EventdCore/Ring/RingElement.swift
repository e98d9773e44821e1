/// A value that can travel through a ``BoundedRing``.
///
/// The ring bounds memory by bytes as well as by slots, because one encoded
/// row batch may be a few hundred bytes or a few megabytes: a slot count alone
/// would not bound the daemon's memory. Each element reports the bytes it pins
/// while it waits in the ring (for a row batch: its buffer's size).
///
/// The ring reads `byteCount` once, when the element is pushed, and releases
/// exactly that amount when it is popped, so a value that changes later cannot
/// corrupt the ring's accounting.
public protocol RingElement: Sendable {
    /// Bytes this element keeps alive while it sits in the ring; zero or more.
    var byteCount: Int { get }
}
