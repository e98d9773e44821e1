import Testing
@testable import EventdDaemon

@Suite struct ConfigValidationTests {
    @Test func defaultsAreValid() throws {
        try EventdConfig().validate()
    }

    @Test(arguments: [1_000, 0, 1, 3, 1 << 21])
    func ringCapacityMustBeAPowerOfTwo(capacity: Int) throws {
        let error = try #require(loadError("[ring]\ncapacity = \(capacity)"))
        #expect(error.code == .invalidValue)
        #expect(error.key == "ring.capacity")
        #expect(error.description.contains("power of two"))
    }

    @Test(arguments: [
        ("[sources.tcp]\nmax_connections = 0", "sources.tcp.max_connections"),
        ("[sources.udp]\nmax_datagram_bytes = 70000", "sources.udp.max_datagram_bytes"),
        ("[sources.http]\nrequest_timeout = \"0s\"", "sources.http.request_timeout"),
        ("[sources.http]\ntrusted_proxies = [\"10.0.0.0/33\"]", "sources.http.trusted_proxies[0]"),
        ("[limits]\nmax_event_bytes = \"1MiB\"", "limits.max_event_bytes"),
        ("[ring]\nmax_bytes = 1000", "ring.max_bytes"),
        ("[loader]\nretry_max = \"10ms\"", "loader.retry_max"),
        ("[loader]\nconnections = 0", "loader.connections"),
        ("[loader]\nconnections = 17", "loader.connections"),
        ("[rollup]\nbuckets = []", "rollup.buckets"),
        ("[rollup]\nbuckets = [\"day\", \"day\"]", "rollup.buckets"),
        ("[maintenance]\nevent_retention = \"7d\"", "maintenance.event_retention"),
        ("[maintenance]\npartitions_ahead_days = 0", "maintenance.partitions_ahead_days"),
        ("[shutdown]\ndrain_timeout = \"0s\"", "shutdown.drain_timeout"),
    ])
    func outOfRangeValuesAreRefusedNamingTheKey(toml: String, key: String) throws {
        let error = try #require(loadError(toml))
        #expect(error.code == .invalidValue)
        #expect(error.key == key)
        #expect(error.description.hasPrefix("invalid value for '\(key)': "))
    }

    @Test func writeKeysMustHaveUniqueNamesAndKeys() throws {
        let duplicateName = try #require(loadError("""
            [[sources.http.write_keys]]
            name = "web"
            key = "0123456789abcdef"
            kind = "secret"
            [[sources.http.write_keys]]
            name = "web"
            key = "fedcba9876543210"
            kind = "secret"
            """))
        #expect(duplicateName.key == "sources.http.write_keys[1].name")
        let shortKey = try #require(loadError("""
            [[sources.http.write_keys]]
            name = "web"
            key = "short"
            kind = "public"
            """))
        #expect(shortKey.key == "sources.http.write_keys[0].key")
        #expect(!shortKey.description.contains("short\""))
    }

    @Test func secretKeysTakeNoOrigins() throws {
        let error = try #require(loadError("""
            [[sources.http.write_keys]]
            name = "backend"
            key = "0123456789abcdef"
            kind = "secret"
            allowed_origins = ["https://example.com"]
            """))
        #expect(error.key == "sources.http.write_keys[0].allowed_origins")
    }

    @Test func writeKeyKindMustBePublicOrSecret() throws {
        let error = try #require(loadError("""
            [[sources.http.write_keys]]
            name = "web"
            key = "0123456789abcdef"
            kind = "private"
            """))
        #expect(error.code == .invalidValue)
        #expect(error.key == "sources.http.write_keys[0].kind")
        #expect(error.description.contains("public, secret"))
    }

    @Test func originsMustHaveNoPath() throws {
        let error = try #require(loadError("""
            [[sources.http.write_keys]]
            name = "web"
            key = "0123456789abcdef"
            kind = "public"
            allowed_origins = ["https://example.com/"]
            """))
        #expect(error.key == "sources.http.write_keys[0].allowed_origins")
    }

    @Test func cliStyleChangesAreCheckedByValidate() throws {
        var config = EventdConfig()
        config.ring.capacity = 100
        let error = try #require(configError { () throws(ConfigError) in try config.validate() })
        #expect(error.key == "ring.capacity")
    }
}
