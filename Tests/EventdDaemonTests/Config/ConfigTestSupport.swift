@testable import EventdDaemon

/// The error `body` throws, or nil if it succeeds.
func configError(_ body: () throws(ConfigError) -> Void) -> ConfigError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// The error loading `toml` (with `environment`) throws, or nil if it loads.
func loadError(_ toml: String, environment: [String: String] = [:]) -> ConfigError? {
    configError { () throws(ConfigError) in _ = try EventdConfig.load(tomlText: toml, environment: environment) }
}
