/// Every key eventd's config accepts, in the order of the example file. The single source of truth for the
/// file parser, the environment, overrides and rendering: a key missing here cannot be set at all.
enum ConfigSchema {
    static let keys: [ConfigKeySpec] = [
        .init("database.url", \.database.url, .optionalString),
        .init("database.application_name", \.database.applicationName, .string),
        .init("database.read_url", \.database.readURL, .optionalString),

        .init("sources.tcp.listen", \.sources.tcp.listen, .optionalListen),
        .init("sources.tcp.max_connections", \.sources.tcp.maxConnections, .count),
        .init("sources.tcp.max_line_bytes", \.sources.tcp.maxLineBytes, .bytes),
        .init("sources.tcp.idle_timeout", \.sources.tcp.idleTimeout, .duration),
        .init("sources.tcp.reuse_port", \.sources.tcp.reusePort, .bool),

        .init("sources.udp.listen", \.sources.udp.listen, .optionalListen),
        .init("sources.udp.max_datagram_bytes", \.sources.udp.maxDatagramBytes, .bytes),
        .init("sources.udp.receive_buffer_bytes", \.sources.udp.receiveBufferBytes, .bytes),
        .init("sources.udp.reuse_port", \.sources.udp.reusePort, .bool),

        .init("sources.http.listen", \.sources.http.listen, .optionalListen),
        .init("sources.http.max_body_bytes", \.sources.http.maxBodyBytes, .bytes),
        .init("sources.http.max_header_bytes", \.sources.http.maxHeaderBytes, .bytes),
        .init("sources.http.idle_timeout", \.sources.http.idleTimeout, .duration),
        .init("sources.http.request_timeout", \.sources.http.requestTimeout, .duration),
        .init("sources.http.max_connections", \.sources.http.maxConnections, .count),
        .init("sources.http.max_connections_per_ip", \.sources.http.maxConnectionsPerIP, .count),
        .init("sources.http.trusted_proxies", \.sources.http.trustedProxies, .stringList),
        .init("sources.http.path_prefixes", \.sources.http.pathPrefixes, .stringList),
        .init("sources.http.sdk_path", \.sources.http.sdkPath, .string),
        .init("sources.http.require_write_key", \.sources.http.requireWriteKey, .bool),
        .init("sources.http.drop_bots", \.sources.http.dropBots, .bool),
        .init("sources.http.reuse_port", \.sources.http.reusePort, .bool),
        .init("sources.http.write_keys", \.sources.http.writeKeys, .writeKeys),
        .init("sources.http.rate_limit.per_key_per_second", \.sources.http.rateLimit.perKeyPerSecond, .count),
        .init("sources.http.rate_limit.per_key_burst", \.sources.http.rateLimit.perKeyBurst, .count),
        .init("sources.http.rate_limit.per_ip_per_second", \.sources.http.rateLimit.perIPPerSecond, .count),
        .init("sources.http.rate_limit.per_ip_burst", \.sources.http.rateLimit.perIPBurst, .count),

        .init("limits.max_event_bytes", \.limits.maxEventBytes, .bytes),
        .init("limits.max_batch_bytes", \.limits.maxBatchBytes, .bytes),
        .init("limits.max_events_per_batch", \.limits.maxEventsPerBatch, .count),
        .init("limits.max_depth", \.limits.maxDepth, .count),
        .init("limits.max_future", \.limits.maxFuture, .duration),
        .init("limits.max_past", \.limits.maxPast, .duration),

        .init("privacy.anonymize_ip", \.privacy.anonymizeIP, .bool),

        .init("ring.capacity", \.ring.capacity, .count),
        .init("ring.max_bytes", \.ring.maxBytes, .bytes),

        .init("loader.batch_rows", \.loader.batchRows, .count),
        .init("loader.batch_delay", \.loader.batchDelay, .duration),
        .init("loader.connections", \.loader.connections, .count),
        .init("loader.retry_initial", \.loader.retryInitial, .duration),
        .init("loader.retry_max", \.loader.retryMax, .duration),
        .init("loader.copy_format", \.loader.copyFormat, configEnumCodec(CopyFormat.self)),

        .init("spool.directory", \.spool.directory, .optionalString),
        .init("spool.max_bytes", \.spool.maxBytes, .bytes),
        .init("spool.segment_bytes", \.spool.segmentBytes, .bytes),
        .init("spool.fsync", \.spool.fsync, configEnumCodec(SpoolFsyncPolicy.self)),
        .init("spool.fsync_interval", \.spool.fsyncInterval, .duration),
        .init("spool.divert_after", \.spool.divertAfter, .duration),

        .init("admin.listen", \.admin.listen, .listen),

        .init("console.token", \.console.token, .optionalString),
        .init("console.user", \.console.user, .optionalString),
        .init("console.password", \.console.password, .optionalString),
        .init("console.statement_timeout", \.console.statementTimeout, .duration),

        .init("rollup.enabled", \.rollup.enabled, .bool),
        .init("rollup.interval", \.rollup.interval, .duration),
        .init("rollup.late_window", \.rollup.lateWindow, .duration),
        .init("rollup.buckets", \.rollup.buckets, configEnumListCodec(RollupBucket.self)),

        .init("maintenance.enabled", \.maintenance.enabled, .bool),
        .init("maintenance.process_pending_interval", \.maintenance.processPendingInterval, .duration),
        .init("maintenance.abandon_after", \.maintenance.abandonAfter, .duration),
        .init("maintenance.cleanup_interval", \.maintenance.cleanupInterval, .duration),
        .init("maintenance.event_retention", \.maintenance.eventRetention, .duration),
        .init("maintenance.rollup_retention", \.maintenance.rollupRetention, .duration),
        .init("maintenance.partitions_ahead_days", \.maintenance.partitionsAheadDays, .count),

        .init("shutdown.drain_timeout", \.shutdown.drainTimeout, .duration),

        .init("log.level", \.log.level, configEnumCodec(LogLevel.self)),
        .init("log.format", \.log.format, configEnumCodec(LogFormat.self)),
    ]

    static let keysByPath: [String: ConfigKeySpec] = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })

    static let keysByEnvironmentName: [String: ConfigKeySpec] =
        Dictionary(uniqueKeysWithValues: keys.map { ($0.environmentName, $0) })

    /// Every table that holds keys: `database`, `sources`, `sources.tcp`, `sources.http.rate_limit`, ...
    static let sections: Set<String> = Set(keys.flatMap { spec in
        let parts = spec.path.split(separator: ".")
        return (1..<parts.count).map { parts[..<$0].joined(separator: ".") }
    })

    /// Top-level section names, upper-cased, for recognizing `EVENTD_*` variables meant as config.
    static let environmentSectionPrefixes: [String] =
        sections.filter { !$0.contains(".") }.map { "EVENTD_" + $0.uppercased() + "_" }

    /// The names directly inside `section` ("" for the top level), for typo suggestions.
    static func children(of section: String) -> [String] {
        let prefix = section.isEmpty ? "" : section + "."
        let names = (keys.map(\.path) + sections).compactMap { path -> String? in
            guard path.hasPrefix(prefix) else { return nil }
            let rest = path.dropFirst(prefix.count)
            return rest.contains(".") ? nil : String(rest)
        }
        return Array(Set(names)).sorted()
    }

    static func environmentName(forKey path: String) -> String {
        "EVENTD_" + path.uppercased().map { $0 == "." ? "_" : String($0) }.joined()
    }
}
