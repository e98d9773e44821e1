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
}
