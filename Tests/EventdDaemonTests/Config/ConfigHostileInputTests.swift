@testable import EventdDaemon
import Testing

/// Inputs that crashed toml++ (found by FuzzConfig, or by reading its parser); each must be refused with a
/// syntax error, never crash.
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

    @Test func arrayClosedByABraceIsASyntaxErrorNotACrash() throws {
        // FuzzConfig regression (was Tests/Fuzz/KnownCrashes): toml++'s parse_value asserted on the `}`.
        for (text, column) in [("x = [1,}\n", 8), ("x = [}\n", 6), ("[sources.http]\ntrusted_proxies = [\"10.0.0.0/8\",}\n", 33)] {
            let error = try #require(loadError(text), "\(text.debugDescription)")
            #expect(error.code == .syntax)
            #expect(error.line == text.filter { $0 == "\n" }.count)
            #expect(error.column == column)
            #expect(error.description.contains("expected a value"))
            #expect(error.description.hasSuffix("found '}'"))
        }
    }

    @Test func dateFollowedByASpaceAndADigitIsASyntaxErrorNotACrash() throws {
        // Found by reading toml++: after `date ` and one digit, its date-time scan asserted on the line end.
        for text in ["x = 1979-05-27 1\n", "x = [1979-05-27 1]\n", "x = {a = 1979-05-27 1}\n"] {
            let error = try #require(loadError(text), "\(text.debugDescription)")
            #expect(error.code == .syntax)
            #expect(error.description.contains("found '1979-05-27 1'"))
        }
    }

    @Test func headerAfterAByteOrderMarkOrUnicodeSpaceIsASyntaxErrorNotACrash() throws {
        // FuzzConfig regressions from the fuzz branch: toml++ skips a BOM and takes Unicode spaces before `[`.
        #expect(loadError("\u{FEFF}[\u{1B}\":5170\"\n[nope]\n")?.code == .syntax)
        #expect(loadError("\u{FEFF}[\u{1B}\":5170\"\n")?.column == 2)
        #expect(loadError("\u{3000}[!]\n")?.code == .syntax)
        #expect(loadError("a = 1\u{2028}[ \u{A0}!]\n")?.code == .syntax)
        #expect(loadError("\u{FEFF}[sources.tcp]\nlisten = \"127.0.0.1:5170\"\n") == nil)
    }

    @Test func veryLongUnknownNamesAreRefusedWithoutASpellingSearch() throws {
        // FuzzConfig regression (a slow input, then out of memory): a 2 KB `EVENTD_LOADER_…` name was compared
        // edit by edit with every key; names this far from every key's length are no typo and are not compared.
        let long = String(repeating: "ldmin.lisodmi", count: 8_000)
        let fromEnvironment = try #require(loadError("", environment: ["EVENTD_LOADER_" + long: ""]))
        #expect(fromEnvironment.code == .unknownKey)
        #expect(!fromEnvironment.description.contains("did you mean"))
        let fromFile = try #require(loadError("[loader]\n\"\(long)\" = 1\n"))
        #expect(fromFile.code == .unknownKey)
        #expect(!fromFile.description.contains("did you mean"))
        #expect(loadError("", environment: ["EVENTD_LOADER_BACH_ROWS": "1"])?.description.contains("did you mean 'EVENTD_LOADER_BATCH_ROWS'") == true)
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
