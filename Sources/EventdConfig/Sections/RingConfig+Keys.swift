extension RingConfig {
    /// The `[ring]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<RingConfig>(
        comment: """
            The in-memory queue between sources and loader. When full, TCP stops reading and HTTP answers
            503 until the loader catches up; its size is how long a database hiccup can be absorbed.
            """,
        keys: [
            ConfigKey("capacity", \.capacity, .count,
                check: .ringCapacity,
                comment: """
                Batch slots; a power of two from 2 to 1048576.
                """,
                summary: "batch slots in the ring between sources and loader; a power of two from 2 to 1048576"),
            ConfigKey("max_bytes", \.maxBytes, .bytes,
                comment: """
                Memory budget for queued batches, whichever limit is reached first. At least limits.max_batch_bytes.
                """,
                summary: "memory budget for queued batches (whichever limit is reached first); at least `limits.max_batch_bytes`. When full, TCP stops reading and HTTP answers `503`"),
        ],
        relations: { config throws(ConfigError) in
            try configRequire(config.ring.maxBytes >= config.limits.maxBatchBytes, "ring.max_bytes",
                              "\(config.ring.maxBytes) is smaller than limits.max_batch_bytes (\(config.limits.maxBatchBytes)), "
                                  + "so a full-size batch could never be queued")
        })
}

extension ConfigCheck where Value == Int {
    /// Slot indexes are a mask, not a division.
    fileprivate static let ringCapacity = ConfigCheck.require({ $0 >= 2 && $0 <= 1 << 20 && $0 & ($0 - 1) == 0 }) {
        "\($0) is not a power of two from 2 to 1048576 (e.g. 1024, 4096, 16384)"
    }
}
