import EventdTOML

/// How one kind of config value is read from a `ConfigNode` and written back as a TOML literal.
///
/// Raw text (`.text`, from the environment or an override) is read with the same rules as the TOML value
/// the key takes, so `EVENTD_LOADER_BATCH_DELAY=250ms` and `batch_delay = "250ms"` mean the same.
struct ConfigCodec<Value>: Sendable {
    /// What the key takes, for "must be X" messages.
    var expected: String
    var decode: @Sendable (_ node: ConfigNode, _ key: String) throws(ConfigError) -> Value
    /// The TOML literal for a value; nil for an unset optional, which is then left out.
    var render: @Sendable (Value) -> String?
}

extension ConfigCodec where Value == String {
    static let string = ConfigCodec(expected: "a string") { node, key throws(ConfigError) in
        switch node {
        case .string(let text), .text(let text): return text
        default: throw .wrongType(key, expected: "a string", got: node)
        }
    } render: { TOMLString.basic($0) }
}

extension ConfigCodec where Value == String? {
    /// A string that may be unset; an empty string unsets it.
    static let optionalString = ConfigCodec(expected: "a string") { node, key throws(ConfigError) in
        let text = try ConfigCodec<String>.string.decode(node, key)
        return text.isEmpty ? nil : text
    } render: { $0.map(TOMLString.basic) }
}

extension ConfigCodec where Value == Int {
    /// A count: an integer, 0 or more. Ranges are checked by `EventdConfig.validate()`.
    static let count = ConfigCodec(expected: "an integer") { node, key throws(ConfigError) in
        let number: Int
        switch node {
        case .integer(let value): number = value
        case .text(let text):
            guard let value = Int(text.configTrimmed()) else {
                throw .invalidValue(key, "'\(text)' is not an integer")
            }
            number = value
        default: throw .wrongType(key, expected: "an integer", got: node)
        }
        guard number >= 0 else { throw .invalidValue(key, "\(number) is negative; it must be 0 or more") }
        return number
    } render: { String($0) }

    /// A byte size: an integer of bytes or a string with a unit.
    static let bytes = ConfigCodec(expected: ByteSize.expected) { node, key throws(ConfigError) in
        switch node {
        case .integer(let value):
            guard value >= 0 else { throw .invalidValue(key, "\(value) is negative; sizes must be 0 or more") }
            return value
        case .string(let text), .text(let text):
            switch ByteSize.parseResult(text) {
            case .success(let bytes): return bytes
            case .failure(let failure): throw .invalidValue(key, failure.reason)
            }
        default: throw .wrongType(key, expected: ByteSize.expected, got: node)
        }
    } render: { bytes in
        let text = ByteSize.format(bytes)
        return text == String(bytes) ? text : TOMLString.basic(text)
    }
}

extension ConfigCodec where Value == Duration {
    static let duration = ConfigCodec(expected: ConfigDuration.expected) { node, key throws(ConfigError) in
        switch node {
        case .string(let text), .text(let text):
            switch ConfigDuration.parseResult(text) {
            case .success(let duration): return duration
            case .failure(let failure): throw .invalidValue(key, failure.reason)
            }
        case .integer(let number):
            throw ConfigError(
                code: .wrongType, key: key,
                description: "'\(key)' must be a duration string with a unit, not the bare number \(number); "
                    + "add one, e.g. \"\(number)s\" or \"\(number)ms\"")
        default: throw .wrongType(key, expected: ConfigDuration.expected, got: node)
        }
    } render: { TOMLString.basic(ConfigDuration.format($0)) }
}

extension ConfigCodec where Value == Bool {
    static let bool = ConfigCodec(expected: "a boolean (true or false)") { node, key throws(ConfigError) in
        switch node {
        case .boolean(let value): return value
        case .text(let text):
            switch text.configTrimmed().lowercased() {
            case "true": return true
            case "false": return false
            default: throw .invalidValue(key, "'\(text)' is not a boolean; allowed: true, false")
            }
        default: throw .wrongType(key, expected: "a boolean (true or false)", got: node)
        }
    } render: { String($0) }
}

extension ConfigCodec where Value == ListenAddress {
    static let listen = ConfigCodec(expected: "a listen address such as \"127.0.0.1:5170\"") {
        node, key throws(ConfigError) in
        let text = try ConfigCodec<String>.string.decode(node, key)
        switch ListenAddress.parse(text) {
        case .success(let address): return address
        case .failure(let failure):
            throw .invalidValue(key, "'\(text)' is not a listen address: \(failure.reason)")
        }
    } render: { TOMLString.basic($0.description) }
}

extension ConfigCodec where Value == ListenAddress? {
    /// A listener that is off when unset; `""` or `"off"` turns it off (useful to override a file setting).
    static let optionalListen = ConfigCodec(expected: ConfigCodec<ListenAddress>.listen.expected) {
        node, key throws(ConfigError) in
        let text = try ConfigCodec<String>.string.decode(node, key)
        let trimmed = text.configTrimmed()
        if trimmed.isEmpty || trimmed.lowercased() == "off" { return nil }
        return try ConfigCodec<ListenAddress>.listen.decode(node, key)
    } render: { $0.map { TOMLString.basic($0.description) } }
}

extension ConfigCodec where Value == [String] {
    /// An array of strings; as raw text, a TOML array (`["a", "b"]`) or a comma-separated list (`a,b`).
    static let stringList = ConfigCodec(expected: "an array of strings") { node, key throws(ConfigError) in
        let items = try configArrayItems(node, key: key, expected: "an array of strings")
        return try items.enumerated().map { (index, item) throws(ConfigError) -> String in
            switch item {
            case .string(let text), .text(let text): return text
            default: throw .wrongType("\(key)[\(index)]", expected: "a string", got: item)
            }
        }
    } render: { "[" + $0.map(TOMLString.basic).joined(separator: ", ") + "]" }
}

/// One of a closed set of names, e.g. a log level.
func configEnumCodec<E: RawRepresentable & CaseIterable & Sendable>(_: E.Type) -> ConfigCodec<E>
where E.RawValue == String {
    let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
    return ConfigCodec(expected: "one of: \(allowed)") { node, key throws(ConfigError) in
        let text = try ConfigCodec<String>.string.decode(node, key)
        guard let value = E(rawValue: text.configTrimmed()) else {
            throw .invalidValue(key, "'\(text)' is not allowed; allowed: \(allowed)")
        }
        return value
    } render: { TOMLString.basic($0.rawValue) }
}

/// An array of names from a closed set, e.g. rollup buckets.
func configEnumListCodec<E: RawRepresentable & CaseIterable & Sendable>(_: E.Type) -> ConfigCodec<[E]>
where E.RawValue == String {
    let element = configEnumCodec(E.self)
    return ConfigCodec(expected: "an array of strings, each \(element.expected)") { node, key throws(ConfigError) in
        let items = try configArrayItems(node, key: key, expected: "an array of strings")
        return try items.enumerated().map { (index, item) throws(ConfigError) -> E in
            try element.decode(item, "\(key)[\(index)]")
        }
    } render: { "[" + $0.map { TOMLString.basic($0.rawValue) }.joined(separator: ", ") + "]" }
}

/// The elements of an array value; raw text may be a TOML array or a comma-separated list.
func configArrayItems(_ node: ConfigNode, key: String, expected: String) throws(ConfigError) -> [ConfigNode] {
    switch node {
    case .array(let items): return items
    case .text(let text):
        let trimmed = text.configTrimmed()
        if trimmed.hasPrefix("[") {
            guard case .array(let items)? = ConfigNode.parseValue(trimmed) else {
                throw .invalidValue(key, "'\(text)' is not a TOML array")
            }
            return items
        }
        return trimmed.split(separator: ",").map { .text($0.configTrimmed()) }.filter {
            if case .text(let item) = $0 { return !item.isEmpty }
            return true
        }
    default: throw .wrongType(key, expected: expected, got: node)
    }
}
