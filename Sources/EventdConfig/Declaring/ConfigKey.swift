/// One key of a config section, declared once next to its section (`LoaderConfig+Keys.swift`): its name, the
/// property it sets, how its value is read and written (`ConfigCodec`), what values are allowed, whether a
/// reload applies it, and the text an operator reads about it. Everything else — unknown-key detection,
/// validation, `Config/eventd.toml` (`eventd config example`) and the reference table in
/// docs/configuration.md (`eventd config reference`) — is produced from these declarations.
///
/// The default is the property's initial value in the section struct, written back by the codec.
struct ConfigKey<Section>: Sendable {
    /// Name, what it takes, reload, and the operator's texts.
    let traits: ConfigKeyTraits

    let apply: @Sendable (inout Section, ConfigNode, _ path: String) throws(ConfigError) -> Void
    let render: @Sendable (Section) -> String?
    let copy: @Sendable (inout Section, Section) -> Void
    let check: @Sendable (Section, _ path: String) -> ConfigError?

    /// - Parameters:
    ///   - check: the values allowed, beyond what the codec reads (a range, a power of two, …).
    ///     Checks that involve other keys are the section's `relations`.
    init<Value>(
        _ name: String, _ property: WritableKeyPath<Section, Value> & Sendable, _ codec: ConfigCodec<Value>,
        check: ConfigCheck<Value> = .any, reload: ConfigReload = .restart, example: ConfigExample = .default,
        comment: String, summary: String
    ) {
        self.traits = ConfigKeyTraits(name: name, expected: codec.expected, reload: reload, comment: comment,
                                      summary: summary, example: example)
        self.apply = { section, node, path throws(ConfigError) in
            section[keyPath: property] = try codec.decode(node, path)
        }
        self.render = { section in codec.render(section[keyPath: property]) }
        self.copy = { section, other in section[keyPath: property] = other[keyPath: property] }
        self.check = { section, path in
            guard let failure = check.failure(section[keyPath: property]) else { return nil }
            return .invalidValue(path + failure.subkey, failure.reason)
        }
    }
}

/// What is declared about a key besides how it is read and checked.
struct ConfigKeyTraits: Sendable {
    /// The key's name inside its section, e.g. `batch_rows`.
    let name: String
    /// What the key takes, for messages and the reference (the codec's words).
    let expected: String
    /// Whether SIGHUP applies a change at once or it waits for a restart.
    let reload: ConfigReload
    /// Comment lines above the key in `Config/eventd.toml`, for the operator; empty when the key shares the
    /// comment above it (`retry_max` under `retry_initial`'s).
    let comment: String
    /// The reference table's "what it does" cell (markdown, one line).
    let summary: String
    /// How the key appears in `Config/eventd.toml`.
    let example: ConfigExample
}

/// Whether a reload (SIGHUP) applies a changed key at once or logs that it needs a restart.
enum ConfigReload: Sendable, Equatable {
    /// Applied to the running daemon (see `EventdDaemon.build`'s reload wiring).
    case live
    /// Built into sockets, connections or threads at start.
    case restart
}

/// How a key is written in `Config/eventd.toml`.
enum ConfigExample: Sendable, Equatable {
    /// Commented out with its default: `# batch_rows = 5000`.
    case `default`
    /// Commented out with an illustrative TOML value, for a key whose default is unset or empty.
    case commented(String)
    /// Set to this TOML value (the example turns the sources on, on loopback).
    case set(String)
    /// Commented-out lines written as they are, for a key written as tables (`[[sources.http.write_keys]]`).
    case block(String)
}
