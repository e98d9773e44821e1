import Testing
@testable import EventdDaemon

@Suite struct ConfigEnvironmentTests {
    let file = """
        [sources.tcp]
        listen = "127.0.0.1:5170"
        [loader]
        batch_rows = 1000
        batch_delay = "1s"
        """

    @Test func precedenceIsDefaultsThenFileThenEnvironmentThenFlags() throws {
        var config = try EventdConfig.load(tomlText: file, environment: ["EVENTD_LOADER_BATCH_ROWS": "2000"])
        #expect(config.loader.retryMax == .seconds(2))  // default
        #expect(config.loader.batchDelay == .seconds(1))  // file over default
        #expect(config.loader.batchRows == 2_000)  // environment over file
        config.loader.batchRows = 3_000  // a command-line flag, applied by the CLI after loading
        try config.validate()
        #expect(config.loader.batchRows == 3_000)
    }

    @Test func databaseURLComesFromEVENTD_DATABASE_URL() throws {
        let config = try EventdConfig.load(
            tomlText: "[database]\nurl = \"postgresql://file\"",
            environment: ["EVENTD_DATABASE_URL": "postgresql://env"])
        #expect(config.database.url == "postgresql://env")
    }

    @Test func environmentValuesParseWithTheFileRules() throws {
        let config = try EventdConfig.load(tomlText: "", environment: [
            "EVENTD_SOURCES_TCP_LISTEN": "[::1]:5170",
            "EVENTD_SOURCES_TCP_IDLE_TIMEOUT": "1h30m",
            "EVENTD_RING_MAX_BYTES": "128MiB",
            "EVENTD_SOURCES_UDP_RECEIVE_BUFFER_BYTES": "1048576",
            "EVENTD_PRIVACY_ANONYMIZE_IP": "false",
            "EVENTD_SOURCES_HTTP_TRUSTED_PROXIES": "10.0.0.0/8, ::1",
            "EVENTD_ROLLUP_BUCKETS": "[\"hour\", \"day\"]",
            "EVENTD_SOURCES_HTTP_RATE_LIMIT_PER_IP_BURST": "7",
            "EVENTD_LOG_LEVEL": "warning",
            "EVENTD_SOURCES_HTTP_WRITE_KEYS": "[{ name = \"web\", key = \"pk_0123456789abcdef\", kind = \"public\" }]",
        ])
        #expect(config.sources.tcp.listen == ListenAddress(host: "::1", port: 5_170))
        #expect(config.sources.tcp.idleTimeout == .seconds(5_400))
        #expect(config.ring.maxBytes == 128 << 20)
        #expect(config.sources.udp.receiveBufferBytes == 1 << 20)
        #expect(config.privacy.anonymizeIP == false)
        #expect(config.sources.http.trustedProxies == ["10.0.0.0/8", "::1"])
        #expect(config.rollup.buckets == [.hour, .day])
        #expect(config.sources.http.rateLimit.perIPBurst == 7)
        #expect(config.log.level == .warning)
        #expect(config.sources.http.writeKeys.map(\.name) == ["web"])
    }

    @Test func emptyEnvironmentValueTurnsOffAListenerSetInTheFile() throws {
        let config = try EventdConfig.load(tomlText: file, environment: ["EVENTD_SOURCES_TCP_LISTEN": ""])
        #expect(config.sources.tcp.listen == nil)
    }

    @Test func badEnvironmentValueNamesKeyAndVariable() throws {
        let error = try #require(loadError("", environment: ["EVENTD_LOADER_BATCH_ROWS": "lots"]))
        #expect(error.code == .invalidValue)
        #expect(error.key == "loader.batch_rows")
        #expect(error.description == "invalid value for 'loader.batch_rows': 'lots' is not an integer (from EVENTD_LOADER_BATCH_ROWS)")
    }

    @Test func misspeltVariableIsRefusedWithASuggestion() throws {
        let error = try #require(loadError("", environment: ["EVENTD_LOADER_BATCH_ROW": "10"]))
        #expect(error.code == .unknownKey)
        #expect(error.key == "EVENTD_LOADER_BATCH_ROW")
        #expect(error.description.contains("did you mean 'EVENTD_LOADER_BATCH_ROWS'?"))
    }

    @Test func variableInAKnownSectionIsRefusedEvenWithoutASuggestion() throws {
        let error = try #require(loadError("", environment: ["EVENTD_LOADER_SOMETHING_ELSE_ENTIRELY": "1"]))
        #expect(error.code == .unknownKey)
        #expect(error.key == "EVENTD_LOADER_SOMETHING_ELSE_ENTIRELY")
    }

    @Test func allowListedAndUnrelatedVariablesAreIgnored() throws {
        let config = try EventdConfig.load(tomlText: "", environment: [
            "EVENTD_CONFIG": "/etc/eventd/eventd.toml",
            "EVENTD_TEST_DATABASE_URL": "postgresql://test",
            "EVENTD_DEV_SEED": "1",
            "EVENTD_UNRELATED_THING": "x",
            "PATH": "/usr/bin",
            "LOADER_BATCH_ROWS": "1",
        ])
        #expect(config == EventdConfig())
    }

    @Test func everyKeyHasItsOwnEnvironmentVariable() {
        let names = EventdConfig.allKeys.map(EventdConfig.environmentVariableName(forKey:))
        #expect(Set(names).count == names.count)
        #expect(EventdConfig.environmentVariableName(forKey: "sources.tcp.listen") == "EVENTD_SOURCES_TCP_LISTEN")
        #expect(EventdConfig.environmentVariableName(forKey: "loader.batch_rows") == "EVENTD_LOADER_BATCH_ROWS")
        for name in names {
            #expect(!name.hasPrefix("EVENTD_DEV_") && name != "EVENTD_CONFIG" && name != "EVENTD_TEST_DATABASE_URL")
        }
    }
}
