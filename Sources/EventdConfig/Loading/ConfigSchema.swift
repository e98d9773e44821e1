/// Every key eventd's config accepts, in the order of the example file, gathered from the sections'
/// declarations. What the file parser, the environment, overrides, validation, reload and rendering read:
/// a key missing here cannot be set at all.
enum ConfigSchema {
    /// Every table, in the order of the example file. A section declares its keys next to its struct
    /// (`LoaderConfig+Keys.swift`); this list places it in `EventdConfig`. One line per section.
    static let tables: [ConfigTable] = [
        DatabaseConfig.configSection.mounted("database", at: \.database),
        TCPSourceConfig.configSection.mounted("sources.tcp", at: \.sources.tcp),
        UDPSourceConfig.configSection.mounted("sources.udp", at: \.sources.udp),
        HTTPSourceConfig.configSection.mounted("sources.http", at: \.sources.http),
        RateLimitConfig.configSection.mounted("sources.http.rate_limit", at: \.sources.http.rateLimit),
        LimitsConfig.configSection.mounted("limits", at: \.limits),
        PrivacyConfig.configSection.mounted("privacy", at: \.privacy),
        RingConfig.configSection.mounted("ring", at: \.ring),
        LoaderConfig.configSection.mounted("loader", at: \.loader),
        SpoolConfig.configSection.mounted("spool", at: \.spool),
        AdminConfig.configSection.mounted("admin", at: \.admin),
        ConsoleConfig.configSection.mounted("console", at: \.console),
        RollupConfig.configSection.mounted("rollup", at: \.rollup),
        MaintenanceConfig.configSection.mounted("maintenance", at: \.maintenance),
        ShutdownConfig.configSection.mounted("shutdown", at: \.shutdown),
        LogConfig.configSection.mounted("log", at: \.log),
    ]

    /// Every key, in the order of the example file.
    static let keys: [ConfigKeySpec] = tables.flatMap(\.keys)

    static let keysByPath: [String: ConfigKeySpec] = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })

    static let keysByEnvironmentName: [String: ConfigKeySpec] =
        Dictionary(uniqueKeysWithValues: keys.map { ($0.environmentName, $0) })

    /// Every table that holds keys, or tables of keys: `database`, `sources`, `sources.tcp`, ...
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
