import EventdTOML

extension ConfigCodec where Value == [WriteKey] {
    /// `[[sources.http.write_keys]]` tables; as raw text, a TOML array of inline tables.
    static let writeKeys = ConfigCodec(expected: "an array of tables ([[sources.http.write_keys]])") {
        node, key throws(ConfigError) in
        let items = try configArrayItems(node, key: key, expected: "an array of tables ([[sources.http.write_keys]])")
        if case .text(let text) = node, !text.configTrimmed().hasPrefix("[") {
            throw .invalidValue(
                key, "write keys in the environment must be a TOML array of inline tables, e.g. "
                    + "[{ name = \"web\", key = \"...\", kind = \"public\" }]")
        }
        return try items.enumerated().map { (index, item) throws(ConfigError) -> WriteKey in
            try decodeWriteKey(item, key: "\(key)[\(index)]")
        }
    } render: { keys in
        let tables = keys.map { key in
            "{ name = \(TOMLString.basic(key.name)), key = \(TOMLString.basic(key.key)), kind = \(TOMLString.basic(key.kind.rawValue)), "
                + "allowed_origins = \(ConfigCodec<[String]>.stringList.render(key.allowedOrigins) ?? "[]") }"
        }
        return "[" + tables.joined(separator: ", ") + "]"
    }

    private static func decodeWriteKey(_ node: ConfigNode, key path: String) throws(ConfigError) -> WriteKey {
        guard case .table(let entries) = node else {
            throw .wrongType(path, expected: "a table with name, key and kind", got: node)
        }
        let known = ["name", "key", "kind", "allowed_origins"]
        var name: String?, secret: String?, kind: WriteKey.Kind?, origins: [String] = []
        for (field, value) in entries {
            let fieldPath = "\(path).\(field)"
            switch field {
            case "name": name = try ConfigCodec<String>.string.decode(value, fieldPath)
            case "key": secret = try ConfigCodec<String>.string.decode(value, fieldPath)
            case "kind": kind = try configEnumCodec(WriteKey.Kind.self).decode(value, fieldPath)
            case "allowed_origins": origins = try ConfigCodec<[String]>.stringList.decode(value, fieldPath)
            default:
                throw .unknownKey(fieldPath, suggestion: EditDistance.suggestion(for: field, among: known))
            }
        }
        guard let name else { throw .invalidValue(path, "a write key needs a 'name'") }
        guard let secret else { throw .invalidValue(path, "write key '\(name)' needs a 'key'") }
        guard let kind else {
            throw .invalidValue(path, "write key '\(name)' needs a 'kind'; allowed: public, secret")
        }
        return WriteKey(name: name, key: secret, kind: kind, allowedOrigins: origins)
    }
}
