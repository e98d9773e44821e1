import NIOHTTP1

/// A path one protocol serves, with the methods it accepts there (`OPTIONS` is always answered).
public struct ProtocolRoute: Sendable, Equatable {
    /// How the sender is answered.
    public enum Delivery: Sendable, Equatable {
        /// Only once the events are committed in PostgreSQL (or durable in the spool).
        case durable
        /// `navigator.sendBeacon` and fire-and-forget calls: as soon as the ring holds the events.
        case beacon
        /// Image requests: the transparent GIF as soon as the ring holds the events.
        case pixel
    }

    /// The path, e.g. `/batch/` (a trailing `/` means both spellings are served).
    public var path: String
    public var methods: [HTTPMethod]
    public var delivery: Delivery
    /// The adapter's own name for what the path means (`track`, `engage`, `pixel:page` …).
    public var tag: String

    public init(_ path: String, _ methods: [HTTPMethod] = [.POST], delivery: Delivery = .durable, tag: String = "") {
        self.path = path
        self.methods = methods
        self.delivery = delivery
        self.tag = tag
    }

    /// The path without a trailing slash (the registry's key).
    public var key: String { Self.key(Substring(path)) }

    public static func key(_ path: Substring) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : String(path)
    }
}
