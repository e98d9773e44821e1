import Testing
@testable import EventdDaemon

@Suite struct ConfigValueParsingTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)), ("5s", .seconds(5)), ("1m", .seconds(60)),
        ("2h", .seconds(7_200)), ("30d", .seconds(30 * 86_400)), ("1h30m", .seconds(5_400)),
        ("0s", .zero), (" 1m30s ", .seconds(90)), ("1s500ms", .milliseconds(1_500)),
    ])
    func parsesDurationsWithUnits(text: String, expected: Duration) {
        #expect(ConfigDuration.parse(text) == expected)
    }

    @Test(arguments: ["300", "", "5x", "-5s", "1.5s", "s", "5 s", "1h30"])
    func refusesMalformedDurations(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test func bareNumberDurationInFileAsksForAUnit() throws {
        let error = try #require(loadError("[loader]\nbatch_delay = 300"))
        #expect(error.code == .wrongType)
        #expect(error.key == "loader.batch_delay")
        #expect(error.description.contains("add one, e.g. \"300s\""))
    }

    @Test func bareNumberDurationInEnvironmentAsksForAUnit() throws {
        let error = try #require(loadError("", environment: ["EVENTD_LOADER_BATCH_DELAY": "300"]))
        #expect(error.code == .invalidValue)
        #expect(error.key == "loader.batch_delay")
        #expect(error.description.contains("has no unit"))
        #expect(error.description.contains("EVENTD_LOADER_BATCH_DELAY"))
    }

    @Test(arguments: [
        Duration.milliseconds(250), .seconds(5), .seconds(5_400), .seconds(730 * 86_400), .milliseconds(1_500), .zero,
    ])
    func durationFormatRoundTrips(duration: Duration) {
        #expect(ConfigDuration.parse(ConfigDuration.format(duration)) == duration)
    }

    @Test func formatsDurationsWithLargestUnitsFirst() {
        #expect(ConfigDuration.format(.seconds(5_400)) == "1h30m")
        #expect(ConfigDuration.format(.milliseconds(200)) == "200ms")
        #expect(ConfigDuration.format(.seconds(90 * 86_400)) == "90d")
    }

    @Test(arguments: [
        ("512000", 512_000), ("512KB", 512_000), ("64MiB", 64 << 20), ("1MB", 1_000_000), ("16KiB", 16_384),
        ("1 GiB", 1 << 30), ("1mib", 1 << 20), ("10B", 10), ("0", 0),
    ])
    func parsesByteSizes(text: String, expected: Int) {
        #expect(ByteSize.parse(text) == expected)
    }

    @Test(arguments: ["-1", "1.5MB", "12XB", "MB", "", "99999999999999999999"])
    func refusesMalformedByteSizes(text: String) {
        #expect(ByteSize.parse(text) == nil)
    }

    @Test func byteSizesAcceptIntegersAndStringsInFiles() throws {
        let config = try EventdConfig.load(
            tomlText: "[ring]\nmax_bytes = \"128MiB\"\n[sources.tcp]\nmax_line_bytes = 4096", environment: [:])
        #expect(config.ring.maxBytes == 128 << 20)
        #expect(config.sources.tcp.maxLineBytes == 4_096)
    }

    @Test func negativeSizeIsRefusedNamingTheKey() throws {
        let error = try #require(loadError("[ring]\nmax_bytes = -1"))
        #expect(error.code == .invalidValue)
        #expect(error.key == "ring.max_bytes")
        #expect(error.description.contains("negative"))
    }

    @Test(arguments: [
        ("127.0.0.1:5170", "127.0.0.1", 5_170, "127.0.0.1:5170"),
        ("[::1]:5170", "::1", 5_170, "[::1]:5170"),
        (":5170", "0.0.0.0", 5_170, "0.0.0.0:5170"),
        ("localhost:0", "localhost", 0, "localhost:0"),
        ("[::]:8080", "::", 8_080, "[::]:8080"),
    ])
    func parsesListenAddresses(text: String, host: String, port: Int, description: String) throws {
        let address = try #require(ListenAddress(text))
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == description)
        #expect(ListenAddress(address.description) == address)
    }

    @Test(arguments: ["127.0.0.1", "::1:5170", "1.2.3.4:70000", "[::1]", "host:abc", "[::1", "a b:1", "1.2.3.4:"])
    func refusesMalformedListenAddresses(text: String) {
        #expect(ListenAddress(text) == nil)
    }

    @Test func portOutOfRangeNamesTheKey() throws {
        let error = try #require(loadError("[sources.tcp]\nlisten = \"127.0.0.1:70000\""))
        #expect(error.code == .invalidValue)
        #expect(error.key == "sources.tcp.listen")
        #expect(error.description.contains("0 to 65535"))
    }

    @Test func parsesNetworksAndMatchesAddresses() throws {
        let v4 = try #require(IPNetwork("10.0.0.0/8"))
        #expect(v4.contains([10, 200, 3, 4]))
        #expect(!v4.contains([11, 0, 0, 1]))
        let host = try #require(IPNetwork("127.0.0.1"))
        #expect(host.prefixLength == 32)
        let v6 = try #require(IPNetwork("fd00::/8"))
        #expect(v6.contains(IPNetwork.parseAddress("fd12:3456::1")!))
        #expect(!v6.contains([10, 0, 0, 1]))
        #expect(IPNetwork.parseAddress("::ffff:1.2.3.4") == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2, 3, 4])
        #expect(IPNetwork.parseAddress("::") == [UInt8](repeating: 0, count: 16))
        for bad in ["10.0.0.0/33", "1.2.3", "1::2::3", "256.1.1.1", "fe80::1%eth0", "::/129", "10.0.0.0/", ""] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }
}
