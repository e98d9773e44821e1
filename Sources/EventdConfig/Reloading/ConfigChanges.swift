/// What a reloaded config changes, key by key, split into what eventd applies at once and what
/// takes a restart. A plain value computed from two configs, tested without a daemon.
///
/// Applied live: the keys declared `reload: .live` — today `log.level`, `[limits]`, `[loader]` (but
/// `loader.connections` and `loader.copy_format`) and `[sources.http.rate_limit]`. Everything else — listen addresses, the database, ring size, the
/// loader's connection count, write keys, rollup and maintenance schedules — is
/// built into sockets, connections or threads at start, so a change is logged as needing a restart
/// and otherwise ignored.
public struct ConfigChanges: Sendable, Equatable {
    /// Changed keys that take effect now, dotted (`loader.batch_rows`), in the example file's order.
    public var live: [String] = []
    /// Changed keys that take effect only after a restart.
    public var needRestart: [String] = []

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

    /// Whether a key's declaration (`ConfigKey.reload`) says a reload applies it.
    static func isLive(_ key: String) -> Bool {
        ConfigSchema.keysByPath[key]?.reload == .live
    }
}

extension EventdConfig {
    /// This config with the settings that can change live taken from `new`: what eventd actually runs
    /// with after a reload. Keys needing a restart keep their running values, so a later reload still
    /// reports them as pending.
    public func applyingLiveSettings(of new: EventdConfig) -> EventdConfig {
        var running = self
        for spec in ConfigSchema.keys where spec.reload == .live {
            spec.copy(&running, new)
        }
        return running
    }
}
