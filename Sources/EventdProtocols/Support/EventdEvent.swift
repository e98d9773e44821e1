import EventdCore

/// One event in eventd's own shape (`EventMapping`: the native/Segment fields), built by adapters
/// that rewrite a vendor's events; `json` is what the decoder then validates and stores. Only the
/// fields set are written, so the decoder's rules (required name, identity, timestamp window) decide.
public struct EventdEvent {
    public var type: String
    public var name: String?
    /// `messageId`: the sender's id; a UUID is the event id as is, anything else is hashed to one.
    public var messageId: String?
    public var userId: String?
    public var anonymousId: String?
    public var sessionId: String?
    /// ISO-8601 `timestamp` (when the event happened by the sender's clock).
    public var timestamp: String?
    /// ISO-8601 `sentAt` (the sender's clock at sending: skew correction).
    public var sentAt: String?
    public var properties: JSONValue?
    public var groupId: String?
    public var previousId: String?
    /// `context` members: `page` {url, path, referrer}, `userAgent`, `campaign`, `library`, `location` …
    public var context: [(String, JSONValue)] = []
    /// A value that is not an id (e.g. an object where an id belongs), kept so the decoder refuses it.
    public var invalid: [(String, JSONValue)] = []

    public init(type: String, name: String? = nil) {
        self.type = type
        self.name = name
    }

    /// Sets a `context.page` member when the value is a non-empty string.
    public mutating func page(_ key: String, _ value: JSONValue?) {
        guard let text = value?.string, !text.isEmpty else { return }
        var page = context.first { $0.0 == "page" }?.1 ?? .object([])
        page = page.setting(key, .string(text))
        context.removeAll { $0.0 == "page" }
        context.append(("page", page))
    }

    /// Sets `context.library` {name, version} when the name is known.
    public mutating func library(_ name: String?, _ version: String?) {
        guard let name else { return }
        var library: [(String, JSONValue)] = [("name", .string(name))]
        if let version { library.append(("version", .string(version))) }
        context.append(("library", .object(library)))
    }

    public var json: JSONValue {
        var m: [(String, JSONValue)] = [("type", .string(type))]
        func put(_ key: String, _ value: String?) { if let value { m.append((key, .string(value))) } }
        put(type == "track" ? "event" : "name", name)
        put("messageId", messageId)
        put("userId", userId)
        put("anonymousId", anonymousId)
        put("sessionId", sessionId)
        put("timestamp", timestamp)
        put("sentAt", sentAt)
        if let properties { m.append(("properties", properties)) }
        put("groupId", groupId)
        put("previousId", previousId)
        if !context.isEmpty { m.append(("context", .object(context))) }
        m.append(contentsOf: invalid)
        return .object(m)
    }

    /// An ISO-8601 instant the decoder reads, from µs since the epoch.
    public static func iso(micros: Int64) -> String? {
        guard micros >= Timestamp.minMicros, micros <= Timestamp.maxMicros else { return nil }
        return Timestamp.formatted(micros)
    }

    /// An epoch time in seconds or milliseconds (told apart by size, as Mixpanel does: below
    /// 10^11 it is seconds, i.e. before 5138 AD) as ISO-8601.
    public static func iso(epoch: Double) -> String? {
        guard epoch.isFinite else { return nil }
        let micros = epoch < 1e11 ? epoch * 1e6 : epoch * 1e3
        guard micros > -1e17, micros < 1e17 else { return nil }
        return iso(micros: Int64(micros))
    }

    /// The decoder's text for a list of events: a JSON array.
    public static func batchText(_ events: [JSONValue]) -> [UInt8] { JSONValue.array(events).bytes }
}

/// One row of an adapter's mapping table: which `analytics.events` column a vendor field lands in.
/// The docs' per-protocol tables are rendered from these (`ProtocolDocs`), and a test keeps the
/// committed pages equal to the rendering.
public struct ColumnMapping: Sendable {
    public var column: String
    public var source: String

    public init(_ column: String, _ source: String) {
        self.column = column
        self.source = source
    }
}
