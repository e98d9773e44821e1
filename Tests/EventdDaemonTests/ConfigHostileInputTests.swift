@testable import EventdDaemon
import Testing

/// Inputs the config fuzzer found; each must be refused with a syntax error, never crash.
struct ConfigHostileInputTests {
    @Test func nonASCIITableHeaderIsASyntaxErrorNotACrash() throws {
        // FuzzConfig regression: toml++ asserted on `[` followed by U+FFFD.
        let text = "[\u{FFFD}\u{FFFD}\u{FFFD}n = \n\"\"\"%\u{01}"
        let error = try #require(throws: ConfigError.self) { try EventdConfig.load(tomlText: text, environment: [:]) }
        #expect(error.code == .syntax)
        #expect(error.line == 1)
        #expect(error.column == 2)
    }

    @Test func nonASCIIInsideStringsAndCommentsIsFine() throws {
        let config = try EventdConfig.load(tomlText: """
            # Größe: unicode in a comment is fine
            [database]
            application_name = "évent-d ✓"
            """, environment: [:])
        #expect(config.database.applicationName == "évent-d ✓")
    }

    @Test func nonASCIIBareKeyIsRefusedWithItsPosition() throws {
        let error = try #require(throws: ConfigError.self) {
            try EventdConfig.load(tomlText: "[loader]\nbätch_rows = 5\n", environment: [:])
        }
        #expect(error.code == .syntax)
        #expect(error.line == 2)
        #expect(error.column == 2)
    }

    @Test func controlCharacterInATableHeaderIsASyntaxErrorNotACrash() throws {
        // FuzzConfig regression: toml++ asserted on `[` followed by U+0011.
        let text = "[\u{11}imits]\nmax_event_bytes = 1\n"
        let error = try #require(throws: ConfigError.self) { try EventdConfig.load(tomlText: text, environment: [:]) }
        #expect(error.code == .syntax)
        #expect(error.line == 1)
        #expect(error.column == 2)
    }

    @Test func tableHeaderWithoutANameIsASyntaxErrorNotACrash() throws {
        // FuzzConfig regression: toml++ asserted on `[ = …`.
        let error = try #require(throws: ConfigError.self) {
            try EventdConfig.load(tomlText: "[ = { tcp = { listen = \"x\" } }\n", environment: [:])
        }
        #expect(error.code == .syntax)
        #expect(error.line == 1)
    }

    @Test func arraysAndInlineTablesOnTheirOwnLinesAreNotMistakenForHeaders() throws {
        let config = try EventdConfig.load(tomlText: """
            [sources.http]
            trusted_proxies = [
              "127.0.0.1/32",
              "::1/128",
            ]
            """, environment: [:])
        #expect(config.sources.http.trustedProxies.count == 2)
    }

    @Test func errorsQuotingControlCharactersStayOneLine() throws {
        // FuzzConfig regression: an environment value with CR/LF/NUL was echoed raw into the message.
        let error = try #require(throws: ConfigError.self) {
            try EventdConfig.load(tomlText: "", environment: ["EVENTD_SOURCES_TCP_LISTEN": "[::1]:51=1 M\r\n\u{0}B"])
        }
        #expect(error.key == "sources.tcp.listen")
        #expect(!error.description.contains("\n") && !error.description.contains("\r") && !error.description.contains("\u{0}"))
        #expect(error.description.contains("\\r\\n"))
    }
}
