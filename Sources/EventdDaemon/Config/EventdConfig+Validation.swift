extension EventdConfig {
    /// Checks ranges and relations between keys. `load` calls it; call it again after changing properties
    /// (e.g. from command-line flags).
    ///
    /// - Throws: `ConfigError` with code `.invalidValue`, naming the key and what is allowed.
    public func validate() throws(ConfigError) {
        try require(database.applicationName.utf8.count <= 63, "database.application_name",
                    "'\(database.applicationName)' is longer than PostgreSQL's 63 bytes")

        try validateListener(sources.tcp.listen, "sources.tcp.listen")
        try check(sources.tcp.maxConnections, atLeast: 1, "sources.tcp.max_connections")
        try check(sources.tcp.maxLineBytes, atLeast: 1, "sources.tcp.max_line_bytes")
        try check(sources.tcp.idleTimeout, positive: "sources.tcp.idle_timeout")

        try validateListener(sources.udp.listen, "sources.udp.listen")
        try check(sources.udp.maxDatagramBytes, in: 1...65_507, "sources.udp.max_datagram_bytes")
        try check(sources.udp.receiveBufferBytes, atLeast: 1, "sources.udp.receive_buffer_bytes")

        try validateHTTP(sources.http)

        try check(limits.maxEventBytes, atLeast: 1, "limits.max_event_bytes")
        try check(limits.maxBatchBytes, atLeast: 1, "limits.max_batch_bytes")
        try require(limits.maxEventBytes <= limits.maxBatchBytes, "limits.max_event_bytes",
                    "\(limits.maxEventBytes) is larger than limits.max_batch_bytes (\(limits.maxBatchBytes))")
        try check(limits.maxEventsPerBatch, atLeast: 1, "limits.max_events_per_batch")
        try check(limits.maxDepth, in: 1...1_000, "limits.max_depth")
        try check(limits.maxPast, positive: "limits.max_past")

        let capacity = ring.capacity
        try require(capacity >= 2 && capacity <= 1 << 20 && capacity & (capacity - 1) == 0, "ring.capacity",
                    "\(capacity) is not a power of two from 2 to 1048576 (e.g. 1024, 4096, 16384)")
        try require(ring.maxBytes >= limits.maxBatchBytes, "ring.max_bytes",
                    "\(ring.maxBytes) is smaller than limits.max_batch_bytes (\(limits.maxBatchBytes)), "
                        + "so a full-size batch could never be queued")

        try check(loader.batchRows, atLeast: 1, "loader.batch_rows")
        try require((1...LoaderConfig.maxConnections).contains(loader.connections), "loader.connections",
                    "\(loader.connections) is not between 1 and \(LoaderConfig.maxConnections)")
        try check(loader.retryInitial, positive: "loader.retry_initial")
        try require(loader.retryMax >= loader.retryInitial, "loader.retry_max",
                    "\(ConfigDuration.format(loader.retryMax)) is shorter than loader.retry_initial "
                        + "(\(ConfigDuration.format(loader.retryInitial)))")

        if spool.isEnabled {
            try check(spool.segmentBytes, atLeast: 4_096, "spool.segment_bytes")
            try require(spool.maxBytes >= spool.segmentBytes, "spool.max_bytes",
                        "\(spool.maxBytes) is smaller than spool.segment_bytes (\(spool.segmentBytes))")
            try check(spool.fsyncInterval, positive: "spool.fsync_interval")
        }

        try validateListener(admin.listen, "admin.listen")
        try validateConsole()

        try check(rollup.interval, positive: "rollup.interval")
        try require(!rollup.buckets.isEmpty, "rollup.buckets", "the list is empty; allowed: minute, hour, day")
        try require(Set(rollup.buckets).count == rollup.buckets.count, "rollup.buckets",
                    "a bucket is listed twice")

        try check(maintenance.processPendingInterval, positive: "maintenance.process_pending_interval")
        try check(maintenance.abandonAfter, positive: "maintenance.abandon_after")
        try check(maintenance.cleanupInterval, positive: "maintenance.cleanup_interval")
        try check(maintenance.eventRetention, positive: "maintenance.event_retention")
        try check(maintenance.rollupRetention, positive: "maintenance.rollup_retention")
        try require(maintenance.eventRetention >= limits.maxPast, "maintenance.event_retention",
                    "\(ConfigDuration.format(maintenance.eventRetention)) is shorter than limits.max_past "
                        + "(\(ConfigDuration.format(limits.maxPast))), so accepted events would be deleted")
        try check(maintenance.partitionsAheadDays, in: 1...365, "maintenance.partitions_ahead_days")

        try check(shutdown.drainTimeout, positive: "shutdown.drain_timeout")
    }

    private func validateHTTP(_ http: HTTPSourceConfig) throws(ConfigError) {
        try validateListener(http.listen, "sources.http.listen")
        try check(http.maxBodyBytes, atLeast: 1, "sources.http.max_body_bytes")
        try check(http.maxHeaderBytes, atLeast: 1_024, "sources.http.max_header_bytes")
        try check(http.idleTimeout, positive: "sources.http.idle_timeout")
        try check(http.requestTimeout, positive: "sources.http.request_timeout")
        try check(http.maxConnections, atLeast: 1, "sources.http.max_connections")
        try check(http.maxConnectionsPerIP, atLeast: 0, "sources.http.max_connections_per_ip")
        for (index, proxy) in http.trustedProxies.enumerated() {
            try require(IPNetwork(proxy) != nil, "sources.http.trusted_proxies[\(index)]",
                        "'\(proxy)' is not an IP address or CIDR such as \"10.0.0.0/8\" or \"::1/128\"")
        }
        for (index, prefix) in http.pathPrefixes.enumerated() {
            try require(prefix.hasPrefix("/") && prefix.count > 1 && !prefix.contains(where: { $0 == "?" || $0 == "#" || $0.isWhitespace }),
                        "sources.http.path_prefixes[\(index)]", "'\(prefix)' is not a path such as \"/collect\"")
        }
        try require(http.sdkPath.isEmpty || (http.sdkPath.hasPrefix("/") && http.sdkPath.count > 1
                        && !http.sdkPath.contains(where: { $0 == "?" || $0 == "#" || $0.isWhitespace })),
                    "sources.http.sdk_path", "'\(http.sdkPath)' is not a path such as \"/sdk.js\" (or \"\" for none)")
        var names = Set<String>(), secrets = Set<String>()
        for (index, writeKey) in http.writeKeys.enumerated() {
            let path = "sources.http.write_keys[\(index)]"
            try require(!writeKey.name.isEmpty, "\(path).name", "the name is empty")
            try require(names.insert(writeKey.name).inserted, "\(path).name",
                        "the name '\(writeKey.name)' is used by another write key")
            try require(writeKey.key.count >= 16 && !writeKey.key.contains(where: \.isWhitespace), "\(path).key",
                        "write key '\(writeKey.name)' must be at least 16 characters without spaces")
            try require(secrets.insert(writeKey.key).inserted, "\(path).key",
                        "write key '\(writeKey.name)' has the same key as another write key")
            try require(writeKey.kind == .public || writeKey.allowedOrigins.isEmpty, "\(path).allowed_origins",
                        "allowed_origins applies only to public keys; '\(writeKey.name)' is secret")
            for origin in writeKey.allowedOrigins {
                try require(Self.isOrigin(origin), "\(path).allowed_origins",
                            "'\(origin)' is not an origin; write scheme://host[:port] without a path, "
                                + "e.g. \"https://example.com\"")
            }
        }
        let limit = http.rateLimit
        let prefix = "sources.http.rate_limit"
        try require(limit.perKeyPerSecond == 0 || limit.perKeyBurst >= 1, "\(prefix).per_key_burst",
                    "must be at least 1 while per_key_per_second is on (0 turns the limit off)")
        try require(limit.perIPPerSecond == 0 || limit.perIPBurst >= 1, "\(prefix).per_ip_burst",
                    "must be at least 1 while per_ip_per_second is on (0 turns the limit off)")
    }

    private func validateConsole() throws(ConfigError) {
        if let token = console.token {
            try require(token.count >= 24 && !token.contains(where: \.isWhitespace), "console.token",
                        "the token must be at least 24 characters without spaces")
        }
        try require((console.user == nil) == (console.password == nil), console.user == nil ? "console.user" : "console.password",
                    "console.user and console.password go together: set both, or neither")
        if let user = console.user {
            try require(!user.isEmpty && !user.contains(":") && !user.contains(where: \.isWhitespace), "console.user",
                        "'\(user)' is not a user name (no spaces, no ':')")
        }
        if let password = console.password {
            try require(password.count >= 12, "console.password", "the password must be at least 12 characters")
        }
        // A write key sits in every web page that sends events: it must never open the console.
        let writeKeys = Set(sources.http.writeKeys.map(\.key))
        for (key, secret) in [("console.token", console.token), ("console.password", console.password)] {
            if let secret { try require(!writeKeys.contains(secret), key, "it is also a write key; give the console its own secret") }
        }
        try check(console.statementTimeout, positive: "console.statement_timeout")
    }

    private static func isOrigin(_ text: String) -> Bool {
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) {
            let host = text.dropFirst(scheme.count)
            return !host.isEmpty && !host.contains("/") && !host.contains(where: \.isWhitespace)
        }
        return false
    }

    private func validateListener(_ address: ListenAddress?, _ key: String) throws(ConfigError) {
        guard let address else { return }
        try require(!address.host.isEmpty, key, "the host is empty")
        try check(address.port, in: 0...65_535, key)
    }

    private func require(_ condition: Bool, _ key: String, _ reason: @autoclosure () -> String) throws(ConfigError) {
        if !condition { throw .invalidValue(key, reason()) }
    }

    private func check(_ value: Int, atLeast minimum: Int, _ key: String) throws(ConfigError) {
        try require(value >= minimum, key, "\(value) is too small; it must be at least \(minimum)")
    }

    private func check(_ value: Int, in range: ClosedRange<Int>, _ key: String) throws(ConfigError) {
        try require(range.contains(value), key,
                    "\(value) is out of range; allowed: \(range.lowerBound) to \(range.upperBound)")
    }

    private func check(_ value: Duration, positive key: String) throws(ConfigError) {
        try require(value > .zero, key, "\(ConfigDuration.format(value)) is too short; it must be more than 0s")
    }
}
