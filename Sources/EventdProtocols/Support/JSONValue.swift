/// A small JSON tree for the protocol adapters that rewrite a vendor's body into eventd's own
/// event shape before the decoder reads it (PostHog, Mixpanel, Snowplow …).
///
/// Not on the Segment/native hot path (that is `EventDecoder`'s DOM-free scan). Numbers keep their
/// exact text, so a property such as `12.50` or an 873-digit integer is stored as sent (jsonb keeps
/// numeric precision; a round trip through `Double` would not). Objects keep member order.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written (already validated as a JSON number).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The member `key` of an object (the last one, as jsonb keeps), or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var members: [(String, JSONValue)]? { if case .object(let m) = self { m } else { nil } }
    public var isObject: Bool { if case .object = self { true } else { false } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// A string, or a number's text: the forms ids arrive in.
    public var idText: String? {
        switch self {
        case .string(let s): s.isEmpty ? nil : s
        case .number(let n): n
        default: nil
        }
    }

    /// A number (or a numeric string) as a Double, for epoch times.
    public var doubleValue: Double? {
        switch self {
        case .number(let n): Double(n)
        case .string(let s): Double(s)
        default: nil
        }
    }

    /// The object without the members named in `keys`.
    func removing(_ keys: Set<String>) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { !keys.contains($0.0) })
    }

    /// The object with `key` set to `value` (replacing an earlier member of that name).
    public func setting(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard let value else { return self }
        var members = self.members ?? []
        members.removeAll { $0.0 == key }
        members.append((key, value))
        return .object(members)
    }
}

extension JSONValue {
    /// Parses one JSON text (surrounding whitespace allowed); nil when it is not valid JSON or
    /// nests deeper than `maxDepth`.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 64) -> JSONValue? {
        let array = Array(bytes)
        return array.withUnsafeBufferPointer { buffer -> JSONValue? in
            var reader = JSONTreeReader(bytes: buffer, maxDepth: maxDepth)
            var start = 0
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            reader.position = start
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipWhitespace()
            return reader.position == buffer.count ? value : nil
        }
    }

    /// The compact JSON text.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C) }
                item.write(into: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(0x2C) }
                Self.writeString(key, into: &out)
                out.append(0x3A)
                value.write(into: &out)
            }
            out.append(0x7D)
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) { JSONWriter.appendString(s, to: &out) }
}
