/// What a reloaded config changes, key by key, split into what eventd applies at once and what
/// takes a restart. A plain value computed from two configs, tested without a daemon.
///
/// Applied live: `log.level`, `[limits]`, `[loader]` (but `loader.connections` and `loader.copy_format`) and
/// `[sources.http.rate_limit]`. Everything else — listen addresses, the database, ring size, the
/// loader's connection count, write keys, rollup and maintenance schedules — is
/// built into sockets, connections or threads at start, so a change is logged as needing a restart
/// and otherwise ignored.
public struct ConfigChanges: Sendable, Equatable {
    /// Changed keys that take effect now, dotted (`loader.batch_rows`), in the example file's order.
    public var live: [String] = []
    /// Changed keys that take effect only after a restart.
    public var needRestart: [String] = []

    /// Keys (exact, or a section ending in `.`) applied without a restart. Keep in step with
    /// `EventdConfig.applyingLiveSettings(of:)` and `EventdDaemon`'s reload wiring.
    static let livePrefixes = ["log.level", "limits.", "loader.", "sources.http.rate_limit."]
    /// Keys under a live prefix that still take a restart: the loader's COPY lanes are threads started
    /// once, each with its COPY format.
    static let restartOnly = ["loader.connections", "loader.copy_format"]

    public init(live: [String] = [], needRestart: [String] = []) {
        self.live = live
        self.needRestart = needRestart
    }

    /// The keys whose values differ between `old` and `new`.
    public init(from old: EventdConfig, to new: EventdConfig) {
        for spec in ConfigSchema.keys where spec.render(old) != spec.render(new) {
            if Self.isLive(spec.path) { live.append(spec.path) } else { needRestart.append(spec.path) }
        }
    }

    public var isEmpty: Bool { live.isEmpty && needRestart.isEmpty }

    static func isLive(_ key: String) -> Bool {
        if restartOnly.contains(key) { return false }
        return livePrefixes.contains { $0.hasSuffix(".") ? key.hasPrefix($0) : key == $0 }
    }
}

extension EventdConfig {
    /// This config with the settings that can change live taken from `new`: what eventd actually runs
    /// with after a reload. Keys needing a restart keep their running values, so a later reload still
    /// reports them as pending.
    public func applyingLiveSettings(of new: EventdConfig) -> EventdConfig {
        var running = self
        running.log.level = new.log.level
        running.limits = new.limits
        running.loader = new.loader
        running.loader.connections = loader.connections
        running.loader.copyFormat = loader.copyFormat
        running.sources.http.rateLimit = new.sources.http.rateLimit
        return running
    }
}
