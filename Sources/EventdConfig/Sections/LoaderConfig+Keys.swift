extension LoaderConfig {
    /// The `[loader]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<LoaderConfig>(
        keys: [
            ConfigKey("batch_rows", \.batchRows, .count,
                check: .atLeast(1),
                reload: .live,
                comment: """
                Most rows per COPY transaction: bigger means fewer commits, more redone after a failure.
                """,
                summary: "most rows per COPY transaction: bigger means fewer commits, more redone after a failure"),
            ConfigKey("batch_delay", \.batchDelay, .duration,
                reload: .live,
                comment: """
                How long the loader waits for more rows once the ring is empty. 0 = group commit: commit as soon
                as nothing more is queued; rows arriving during a COPY form the next batch, so batches grow with
                the load. Raise for fewer, larger commits at low traffic, at the cost of latency (and of HTTP 200s
                and TCP acks, which wait for the commit): "5ms" cut PostgreSQL's CPU per row at moderate rates by
                about a tenth to a fifth in the benchmarks (Benchmarks/RESULTS.md, run M).
                """,
                summary: "how long an idle loader waits for more rows; `0s` is group commit. `\"5ms\"` cut PostgreSQL's CPU per row at moderate rates by a tenth to a fifth (Benchmarks/RESULTS.md, run M), at the cost of latency"),
            ConfigKey("connections", \.connections, .count,
                check: .loaderConnections,
                comment: """
                Most PostgreSQL connections to COPY on at once, 1 to 16 (a maximum since 2026-12; it was a fixed
                count). The loader starts with two COPY streams (one if this is 1), opens another while every
                stream is busy, keeping it only if rows/s rise, and gives one back when it stops paying or the
                load falls. Under sustained load one COPY keeps one PostgreSQL backend (about a core) busy; a
                second lets PostgreSQL use another core. At moderate rates one COPY runs at a time. Count the
                maximum against the server's max_connections (and a pooler's limits). Needs a restart to change.
                """,
                summary: "most PostgreSQL connections to COPY on at once, 1 to 16: the loader opens another COPY stream while every stream is busy and keeps it only if rows/s rise, and gives one back when it stops paying (a fixed count before 2026-12). Count the maximum against the server's `max_connections` (and a pooler's limits)"),
            ConfigKey("retry_initial", \.retryInitial, .duration,
                check: .positive,
                reload: .live,
                comment: """
                Backoff after a failed COPY or lost connection: starts here, doubles with jitter, up to retry_max.
                The loader never gives up; meanwhile the ring fills and sources push back. While no server answers
                at all, a cheap ping (no login) every ~250 ms ends the wait the moment one does, so a PostgreSQL that
                is up for a second or two between outages is used; retry_max bounds retries of a server that answers
                but refuses (a standby not yet promoted, too many connections).
                """,
                summary: "first backoff after a failed COPY or lost connection; doubles with jitter. The loader never gives up"),
            ConfigKey("retry_max", \.retryMax, .duration,
                reload: .live,
                comment: "",
                summary: "longest backoff, for a server that answers but refuses (a standby not yet promoted); while none answers, a ping every ~250 ms ends the wait as soon as one does; at least `retry_initial`"),
            ConfigKey("copy_format", \.copyFormat, configEnumCodec(CopyFormat.self),
                comment: """
                The COPY format rows are sent in: "binary" spares PostgreSQL (whose CPU is the limit) parsing
                timestamps, uuids and addresses from text, for a re-encoding in eventd; "text" is the fallback,
                and a cut eventd cannot re-encode goes as text anyway. The disk spool keeps text either way, so a
                change replays it unchanged. Needs a restart to change.
                """,
                summary: "the COPY format rows are sent in: `binary` spares PostgreSQL parsing timestamps, uuids and addresses (eventd re-encodes each cut); `text` is the fallback. The spool keeps text either way; `eventd import` and `eventd spool --replay` load in this format too (Benchmarks/RESULTS.md, \"Binary COPY\")"),
        ],
        relations: { config throws(ConfigError) in
            let loader = config.loader
            try configRequire(loader.retryMax >= loader.retryInitial, "loader.retry_max",
                              "\(ConfigDuration.format(loader.retryMax)) is shorter than loader.retry_initial "
                                  + "(\(ConfigDuration.format(loader.retryInitial)))")
        })
}

extension ConfigCheck where Value == Int {
    fileprivate static let loaderConnections = ConfigCheck.require({ (1...LoaderConfig.maxConnections).contains($0) }) {
        "\($0) is not between 1 and \(LoaderConfig.maxConnections)"
    }
}
