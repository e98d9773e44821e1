import Foundation
import Testing
@testable import EventdTesting
@testable import EventdDaemon

/// The shipped `Config/eventd.toml` must stay loadable, match the built-in defaults, and show every key.
@Suite struct ConfigExampleFileTests {
    /// The package root, found from this file's path.
    static let repositoryRoot = packageRoot()
    static let examplePath = repositoryRoot.appendingPathComponent("Config/eventd.toml").path

    /// The example with every commented-out setting (`# key = value`, `# [table]`) uncommented.
    static func uncommented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let isSetting = line.hasPrefix("# [") || line.wholeMatch(of: /# [a-z_]+ = .*/) != nil
            return isSetting ? String(line.dropFirst(2)) : String(line)
        }.joined(separator: "\n")
    }

    @Test func shippedExampleLoadsAsTheDefaultsWithTheThreeSourcesOn() throws {
        let config = try EventdConfig.load(fileAt: Self.examplePath, environment: [:])
        var expected = EventdConfig()
        expected.sources.tcp.listen = ListenAddress(host: "127.0.0.1", port: 5_170)
        expected.sources.udp.listen = ListenAddress(host: "127.0.0.1", port: 5_171)
        expected.sources.http.listen = ListenAddress(host: "127.0.0.1", port: 8_080)
        #expect(config == expected)
    }

    /// Uncommenting every `# key = value` line (and `# [[table]]`) must give a valid config that sets every
    /// key, so the commented-out defaults are real keys with well-formed values, and none is missing.
    @Test func uncommentedExampleIsValidAndMentionsEveryKey() throws {
        let uncommented = Self.uncommented(try String(contentsOfFile: Self.examplePath, encoding: .utf8))

        let config = try EventdConfig.load(tomlText: uncommented, environment: [:])
        #expect(config.database.url != nil)
        #expect(config.sources.http.writeKeys.count == 2)

        let rendered = config.renderTOML()
        for key in EventdConfig.allKeys {
            let leaf = String(key.split(separator: ".").last!)
            let present = uncommented.contains("\n\(leaf) = ") || uncommented.contains("\n[[\(key)]]")
            #expect(present, "\(key) is missing from Config/eventd.toml")
            #expect(rendered.contains("\n\(leaf) = "), "\(key) does not render")
        }
    }

    /// Every commented-out value in the example equals the built-in default (except the example write keys,
    /// trusted proxies, database URLs, spool directory and console credentials, which illustrate values that have
    /// no default).
    @Test func commentedOutValuesAreTheDefaults() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        var section = ""
        var overrides: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("[") {
                section = String(line)
                continue
            }
            guard line.hasPrefix("# [") || line.wholeMatch(of: /# [a-z_]+ = .*/) != nil else { continue }
            let body = line.dropFirst(2)
            if body.hasPrefix("[") {
                section = String(body)
                continue
            }
            if section == "[[sources.http.write_keys]]" || body.hasPrefix("url =") || body.hasPrefix("trusted_proxies =")
                || body.hasPrefix("directory =") || body.hasPrefix("read_url =")
                || (section == "[console]" && ["token =", "user =", "password ="].contains { body.hasPrefix($0) }) {
                continue
            }
            overrides.append(section.hasPrefix("[[") ? String(body) : "\(section)\n\(body)")
        }
        #expect(overrides.count >= 45)
        for setting in overrides {
            let config = try EventdConfig.load(tomlText: setting, environment: [:])
            #expect(config == EventdConfig(), "'\(setting)' in the example is not the default")
        }
    }
}
