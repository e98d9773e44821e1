import Foundation
import Testing
@testable import EventdDaemon

@Suite struct ConfigLoadingTests {
    @Test func emptyTextGivesDefaultsWithEverySourceOff() throws {
        let config = try EventdConfig.load(tomlText: "", environment: [:])
        #expect(config == EventdConfig())
        #expect(config.sources.tcp.listen == nil)
        #expect(config.sources.udp.listen == nil)
        #expect(config.sources.http.listen == nil)
        #expect(config.database.url == nil)
        #expect(config.admin.listen.description == "127.0.0.1:9464")
        #expect(config.ring.capacity == 4_096)
        #expect(config.limits.maxBatchBytes == 512_000)
        #expect(config.loader.batchDelay == .zero)
    }

    @Test func mapsSnakeCaseKeysToProperties() throws {
        let config = try EventdConfig.load(tomlText: """
            [database]
            url = "postgresql://eventd@db/eventd"
            application_name = "eventd-eu"
            [sources.tcp]
            listen = ":5170"
            idle_timeout = "90s"
            [sources.http]
            listen = "[::1]:8080"
            trusted_proxies = ["10.0.0.0/8"]
            [sources.http.rate_limit]
            per_ip_burst = 50
            [[sources.http.write_keys]]
            name = "web"
            key = "pk_0123456789abcdef"
            kind = "public"
            allowed_origins = ["https://example.com"]
            [limits]
            max_past = "7d"
            [privacy]
            anonymize_ip = false
            [rollup]
            buckets = ["hour"]
            [log]
            level = "debug"
            format = "json"
            """, environment: [:])
        #expect(config.database.url == "postgresql://eventd@db/eventd")
        #expect(config.database.applicationName == "eventd-eu")
        #expect(config.sources.tcp.listen == ListenAddress(host: "0.0.0.0", port: 5_170))
        #expect(config.sources.tcp.idleTimeout == .seconds(90))
        #expect(config.sources.http.listen == ListenAddress(host: "::1", port: 8_080))
        #expect(config.sources.http.trustedProxies == ["10.0.0.0/8"])
        #expect(config.sources.http.trustedProxyNetworks.map(\.prefixLength) == [8])
        #expect(config.sources.http.rateLimit.perIPBurst == 50)
        #expect(config.sources.http.writeKeys == [
            WriteKey(name: "web", key: "pk_0123456789abcdef", kind: .public, allowedOrigins: ["https://example.com"]),
        ])
        #expect(config.limits.maxPast == .seconds(7 * 86_400))
        #expect(config.privacy.anonymizeIP == false)
        #expect(config.rollup.buckets == [.hour])
        #expect(config.log.level == .debug)
        #expect(config.log.format == .json)
    }

    @Test func unknownKeyIsRefusedWithItsFullNameAndASuggestion() throws {
        let error = try #require(loadError("[sources.tcp]\nlisen = \"127.0.0.1:5170\""))
        #expect(error.code == .unknownKey)
        #expect(error.key == "sources.tcp.lisen")
        #expect(error.description == "line 2, column 1: unknown key 'sources.tcp.lisen' (did you mean 'listen'?)")
    }

    @Test func unknownSectionIsRefusedWithASuggestion() throws {
        let error = try #require(loadError("[sorces.tcp]\nlisten = \":1\""))
        #expect(error.code == .unknownKey)
        #expect(error.key == "sorces")
        #expect(error.description.contains("did you mean 'sources'?"))
    }

    @Test func unknownKeyFarFromAnyKnownOneHasNoSuggestion() throws {
        let error = try #require(loadError("[loader]\ncompletely_different = 1"))
        #expect(error.key == "loader.completely_different")
        #expect(error.description == "line 2, column 1: unknown key 'loader.completely_different'")
    }

    @Test func unknownKeyInsideAWriteKeyIsRefused() throws {
        let error = try #require(loadError("""
            [[sources.http.write_keys]]
            name = "web"
            kye = "pk_0123456789abcdef"
            kind = "public"
            """))
        #expect(error.code == .unknownKey)
        #expect(error.key == "sources.http.write_keys[0].kye")
        #expect(error.description.contains("did you mean 'key'?"))
    }

    @Test func wrongTypeNamesTheKeyAndTheExpectedType() throws {
        let error = try #require(loadError("[sources.tcp]\nmax_connections = \"many\""))
        #expect(error.code == .wrongType)
        #expect(error.key == "sources.tcp.max_connections")
        #expect(error.description == "line 2, column 19: 'sources.tcp.max_connections' must be an integer, not a string")
    }

    @Test func scalarWhereASectionBelongsIsAWrongType() throws {
        let error = try #require(loadError("sources = 5"))
        #expect(error.code == .wrongType)
        #expect(error.key == "sources")
        #expect(error.description.contains("a table"))
    }

    @Test func wrongElementTypeInAListNamesTheElement() throws {
        let error = try #require(loadError("[sources.http]\ntrusted_proxies = [\"10.0.0.0/8\", 5]"))
        #expect(error.code == .wrongType)
        #expect(error.key == "sources.http.trusted_proxies[1]")
    }

    @Test func unknownLogLevelListsTheAllowedLevels() throws {
        let error = try #require(loadError("[log]\nlevel = \"verbose\""))
        #expect(error.code == .invalidValue)
        #expect(error.key == "log.level")
        #expect(error.description.contains("trace, debug, info, notice, warning, error, critical"))
    }

    @Test func unknownRollupBucketNamesTheElement() throws {
        let error = try #require(loadError("[rollup]\nbuckets = [\"minute\", \"week\"]"))
        #expect(error.code == .invalidValue)
        #expect(error.key == "rollup.buckets[1]")
        #expect(error.description.contains("minute, hour, day"))
    }

    @Test func syntaxErrorReportsLineAndColumn() throws {
        let error = try #require(loadError("[loader]\nbatch_rows = 10\nbatch_delay = \"200ms\n"))
        #expect(error.code == .syntax)
        #expect(error.key == nil)
        #expect(error.line == 3)
        #expect(error.column != nil)
        #expect(error.description.hasPrefix("line 3, column ") && error.description.contains(": TOML syntax error: "))
        #expect(!error.description.contains("\n"))
    }

    @Test func duplicateKeyIsASyntaxError() throws {
        let error = try #require(loadError("[loader]\nbatch_rows = 1\nbatch_rows = 2"))
        #expect(error.code == .syntax)
        #expect(error.line == 3)
    }

    @Test func missingFileIsUnreadable() throws {
        let error = try #require(configError { () throws(ConfigError) in
            _ = try EventdConfig.load(fileAt: "/nonexistent/eventd.toml", environment: [:])
        })
        #expect(error.code == .unreadableFile)
        #expect(error.description.contains("/nonexistent/eventd.toml"))
    }

    @Test func directoryIsUnreadable() throws {
        let error = try #require(configError { () throws(ConfigError) in
            _ = try EventdConfig.load(fileAt: NSTemporaryDirectory(), environment: [:])
        })
        #expect(error.code == .unreadableFile)
    }

    @Test func errorsInAFileNameTheFile() throws {
        let path = NSTemporaryDirectory() + "eventd-config-test-\(UUID().uuidString).toml"
        try "[ring]\ncapasity = 8\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(configError { () throws(ConfigError) in
            _ = try EventdConfig.load(fileAt: path, environment: [:])
        })
        #expect(error.code == .unknownKey)
        #expect(error.key == "ring.capasity")
        #expect(error.description == "\(path):2:1: unknown key 'ring.capasity' (did you mean 'capacity'?)")
    }

    @Test func noFileMeansDefaultsPlusEnvironment() throws {
        let config = try EventdConfig.load(fileAt: nil, environment: ["EVENTD_LOADER_BATCH_ROWS": "100"])
        var expected = EventdConfig()
        expected.loader.batchRows = 100
        #expect(config == expected)
    }

    @Test func setAppliesTextWithTheEnvironmentRules() throws {
        var config = EventdConfig()
        try config.set("loader.batch_delay", to: "250ms")
        try config.set("sources.udp.listen", to: "127.0.0.1:9999")
        #expect(config.loader.batchDelay == .milliseconds(250))
        #expect(config.sources.udp.listen?.port == 9_999)
        let error = try #require(configError { () throws(ConfigError) in try config.set("loader.batch_dellay", to: "1s") })
        #expect(error.code == .unknownKey)
        #expect(error.description.contains("did you mean 'loader.batch_delay'?"))
    }

    @Test func renderedConfigLoadsBackEqual() throws {
        var config = EventdConfig()
        #expect(try EventdConfig.load(tomlText: config.renderTOML(), environment: [:]) == config)
        config.database.url = "postgresql://x@y/z?sslmode=\"require\""
        config.sources.tcp.listen = ListenAddress(host: "::1", port: 1)
        config.sources.http.writeKeys = [
            WriteKey(name: "a", key: "0123456789abcdef", kind: .secret),
            WriteKey(name: "b", key: "fedcba9876543210", kind: .public, allowedOrigins: ["https://a.example"]),
        ]
        config.sources.http.trustedProxies = ["::1/128"]
        config.loader.retryMax = .seconds(5_400)
        config.ring.maxBytes = 1_000_001
        config.rollup.buckets = [.day]
        config.log.format = .json
        #expect(try EventdConfig.load(tomlText: config.renderTOML(), environment: [:]) == config)
    }

    @Test func writeKeyDescriptionHidesTheKey() {
        let key = WriteKey(name: "web", key: "pk_supersecret_value", kind: .public)
        #expect(!"\(key)".contains("supersecret"))
    }
}
