/// `Config/eventd.toml`, produced from the key declarations (`eventd config example`): every key, set or
/// commented out with its default, under the comments its section and key declare. `ConfigGeneratedFilesTests`
/// fails when the committed file differs.
public enum ConfigExampleFile {
    /// The whole file.
    public static func render() -> String {
        var lines = header.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "#" : "# " + $0 }
        let defaults = EventdConfig()
        for table in ConfigSchema.tables {
            lines += ["", "", "[\(table.path)]"]
            lines += commented(table.comment)
            for (index, key) in table.keys.enumerated() {
                if index > 0 && !key.comment.isEmpty { lines.append("") }
                lines += commented(key.comment)
                lines += setting(key, defaults: defaults)
            }
        }
        // The header ends with a blank line before the first table, not two.
        if let first = lines.firstIndex(of: "") { lines.remove(at: first) }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func setting(_ key: ConfigKeySpec, defaults: EventdConfig) -> [String] {
        switch key.example {
        case .default: ["# \(key.name) = \(key.render(defaults) ?? "\"\"")"]
        case .commented(let value): ["# \(key.name) = \(value)"]
        case .set(let value): ["\(key.name) = \(value)"]
        case .block(let text): commented(text)
        }
    }

    /// Each line of `text` as a TOML comment; an empty line of `text` as a bare `#`.
    private static func commented(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "#" : "# " + $0 }
    }

    /// What the file says first, about every key.
    static let header = """
        eventd.toml: a complete, commented example configuration for eventd.

        Every key eventd understands appears below, either set or commented out, with its built-in
        default. A commented-out key (`# key = value`) shows the default; uncomment it to change it.
        This file turns on the three sources on loopback; with no file at all, every source is off.
        It is generated from the key declarations (Sources/EventdConfig/Sections/*+Keys.swift):
        `eventd config example > Config/eventd.toml`.

        Where values come from, each overriding the one before:
          1. built-in defaults (the values shown here),
          2. this file (path from `--config` or EVENTD_CONFIG),
          3. environment variables EVENTD_<SECTION>_<KEY>: the key upper-cased, dots as underscores,
             e.g. sources.tcp.listen -> EVENTD_SOURCES_TCP_LISTEN, loader.batch_rows -> EVENTD_LOADER_BATCH_ROWS,
             sources.http.rate_limit.per_ip_burst -> EVENTD_SOURCES_HTTP_RATE_LIMIT_PER_IP_BURST,
          4. command-line flags.
        Environment values are written like the TOML values below, without quotes: 250ms, 64MiB, true,
        127.0.0.1:5170; lists as a,b,c or as a TOML array. An empty value turns off a listener.

        eventd refuses to start on any key it does not know, naming the key (and the likely intended
        one), and likewise on EVENTD_* variables that look like keys. EVENTD_CONFIG, EVENTD_TEST_DATABASE_URL
        and EVENTD_DEV_* are not config keys and are ignored here.

        Durations take a unit: ms, s, m, h, d (250ms, 5s, 1m, 2h, 30d, 1h30m); a bare number is refused.
        Byte sizes are a number of bytes (512000) or a string with a unit: "512KB" (x1000), "64MiB" (x1024).
        """
}
