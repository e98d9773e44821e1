import Foundation
import Testing
@testable import EventdConfig
@testable import EventdDaemon

/// eventd's TOML reader (`EventdTOML`) reads every TOML 1.0 document and refuses malformed ones saying
/// where, what was expected and what was found.
@Suite struct ConfigTOMLSyntaxTests {
    /// Valid TOML 1.0, a feature per document.
    static let validDocuments: [String] = [
        "",
        "\n\n# only a comment\n   # indented comment\n",
        "\u{FEFF}a = 1\n",
        "a = 1\r\nb = 2\r\n# comment\r\n[t]\r\nc = 3",
        "a=1\nb\t=\t2 # trailing comment with \"quotes\", [brackets] and ünïcødé ✓\n",
        "bare_key-1 = 1\n\"quoted key\" = 2\n'literal key' = 3\n\"\" = 4\n\"é\" = 5\n1234 = 6\n",
        "a.b.c = 1\na . \"b\" . 'd' = 2\n",
        "[table]\n[ spaced . table ]\n[\"quoted\".'header'] # comment\n  [indented]\n",
        "[[array]]\nx = 1\n[[array]]\nx = 2\n[[ array.sub ]]\n",
        #"s = "tab\tquote\" backslash\\ \b\f\n\r \u00e9 \U0001F600 é""#,
        "s = 'C:\\Users\\nodejs\\templates \"verbatim\"'\n",
        "s = \"\"\"\nRoses are red\n  Violets are \"blue\" \"\" \\\"\"\" \\u00e9\n\"\"\"\n",
        "s = \"\"\"\\\n    The quick \\\n\n    brown fox.\\\n    \"\"\"\n",
        "s = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"\n",
        "s = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"\n",
        "s = \"\"\"two at the end\"\"\"\"\"\n",
        "s = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''\n",
        "s = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\n",
        "s = ''''That,' she said, 'is still pointless.''''\n",
        "s = \"\"\"\"\"\"\nt = ''''''\n",
        "i = [+99, 42, 0, -17, 1_000, 5_349_221, 53_49_221, 1_2_3_4_5, -0, +0]\n",
        "i = [0xDEADBEEF, 0xdeadbeef, 0xdead_beef, 0o01234567, 0o755, 0b11010110, 0x0]\n",
        "f = [+1.0, 3.1415, -0.01, 5e+22, 1e06, -2E-2, 6.626e-34, 224_617.445_991_228, 0.0, -0.0, +0e0]\n",
        "f = [inf, +inf, -inf, nan, +nan, -nan]\n",
        "b = [true, false]\n",
        "d = [1979-05-27T07:32:00Z, 1979-05-27T00:32:00-07:00, 1979-05-27T00:32:00.999999-07:00]\n",
        "d = 1979-05-27 07:32:00Z\ne = 1979-05-27T07:32:00\nf = 1979-05-27\ng = 07:32:00\nh = 00:32:00.999999\n",
        "d = 1979-05-27 # a date, then a comment\ne = [1979-05-27 ,1979-05-27 07:32:00]\n",
        "a = [ [ 1, 2 ], [\"a\", 'b', \"\"\"c\"\"\"], [ { x = 1 }, {} ], ]\n",
        "a = [\n  1, # one\n  # a comment line\n\n  2,\n]\n",
        "a = [\r\n  1,\r\n]\r\n",
        "t = { first = \"Tom\", last = \"Preston-Werner\" }\nu = { x = 1, y.z = 2, 'w' = { v = [1, 2] } }\nv = {}\n",
        "t = { list = [\n  1,\n  2,\n] }\n",
        // Shapes eventd's own files and tests use.
        "[sources.http]\nlisten = \"127.0.0.1:8080\"\n\n[[sources.http.write_keys]]\nname = \"bench\"\nkey = \"sk_0123456789abcdef\"\nkind = \"secret\"\n\n[sources.http.rate_limit]\nper_key_per_second = 0\nper_key_burst = 0\n",
        "sources = { tcp = { listen = \"[::1]:5170\" }, http = { listen = \":8080\", trusted_proxies = [\"10.0.0.0/8\", \"::1/128\"] } }\n",
    ]

    @Test(arguments: validDocuments)
    func acceptsValidTOML(_ text: String) throws {
        #expect(configError { () throws(ConfigError) in _ = try ConfigNode.parseDocument(text) } == nil)
    }

    @Test func acceptsEveryShippedConfigFile() throws {
        let configDirectory = ConfigExampleFileTests.repositoryRoot.appendingPathComponent("Config")
        let files = try FileManager.default.contentsOfDirectory(atPath: configDirectory.path).filter { $0.hasSuffix(".toml") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: configDirectory.appendingPathComponent(file), encoding: .utf8)
            _ = try ConfigNode.parseDocument(text)
            _ = try ConfigNode.parseDocument(ConfigExampleFileTests.uncommented(text))
        }
    }

    /// (text, line, column, part of "expected …", part of "found …")
    static let malformedDocuments: [(String, Int, Int, String, String)] = [
        ("x = [1,}\n", 1, 8, "a value", "found '}'"),
        ("x = [}\n", 1, 6, "a value", "found '}'"),
        ("x = {a = [1,}]}\n", 1, 13, "a value", "found '}'"),
        ("x = [1 2]\n", 1, 8, "',' or ']'", "found '2'"),
        ("x = [1,\n", 2, 1, "a value", "the end of the file"),
        ("x = {a = 1\n", 1, 11, "',' or '}'", "the end of the line"),
        ("x = {a = 1,\nb = 2}\n", 1, 12, "a key", "the end of the line"),
        ("x = {a = 1,}\n", 1, 12, "no comma before", "found '}'"),
        ("x = 1979-05-27 1\n", 1, 5, "a value", "found '1979-05-27 1'"),
        ("x = [1979-05-27 1]\n", 1, 6, "a value", "found '1979-05-27 1'"),
        ("x = 07:32\n", 1, 5, "a value", "found '07:32'"),
        ("listen = 127.0.0.1:5170\n", 1, 10, "text needs quotes", "found '127.0.0.1:5170'"),
        ("level = info\n", 1, 9, "text needs quotes", "found 'info'"),
        ("x = 01\n", 1, 5, "a value", "found '01'"),
        ("x = 1__0\n", 1, 5, "a value", "found '1__0'"),
        ("x = 1_\n", 1, 5, "a value", "found '1_'"),
        ("x = +0x1\n", 1, 5, "a value", "found '+0x1'"),
        ("x = 1.\n", 1, 5, "a value", "found '1.'"),
        ("x = .5\n", 1, 5, "a value", "found '.5'"),
        ("x = --6.5\n", 1, 5, "a value", "found '--6.5'"),
        ("x = +-1\n", 1, 5, "a value", "found '+-1'"),
        ("x = -+inf\n", 1, 5, "a value", "found '-+inf'"),
        ("x = TRUE\n", 1, 5, "a value", "found 'TRUE'"),
        ("x =\n", 1, 4, "a value", "the end of the line"),
        ("x = 1 2\n", 1, 7, "the end of the line", "found '2'"),
        ("x = 1\"\n", 1, 6, "the end of the line", "found '\"'"),
        ("x = \"abc\n", 1, 9, "'\"' to close the string opened at column 5", "the end of the line"),
        ("x = 'abc", 1, 9, "to close the string opened at column 5", "the end of the file"),
        ("x = \"\"\"abc\n", 2, 1, "'\"\"\"' to close the string opened at line 1, column 5", "the end of the file"),
        ("x = '''abc\n''", 2, 3, "to close the string opened at line 1, column 5", "the end of the file"),
        ("x = \"\\q\"\n", 1, 7, "an escape", "found 'q'"),
        ("x = \"\\e\"\n", 1, 7, "an escape", "found 'e'"),
        ("x = \"\\u12\"\n", 1, 10, "4 hexadecimal digits", "found '\"'"),
        ("x = \"\\uD800\"\n", 1, 8, "a Unicode scalar value", "found 'D800'"),
        ("x = \"\\U00110000\"\n", 1, 8, "a Unicode scalar value", "found '00110000'"),
        ("x = \"\"\"a \\ b\"\"\"\n", 1, 12, "the end of the line after a line-ending backslash", "found 'b'"),
        ("x = \"a\u{1}b\"\n", 1, 7, "a character that may stand in a string", "found '\\u{1}'"),
        ("x = 'a\u{7F}b'\n", 1, 7, "a character that may stand in a string", "found '\\u{7f}'"),
        ("x = 1 # a\u{0}b\n", 1, 10, "comment text", "found '\\u{0}'"),
        ("x = 1\ry = 2\n", 1, 6, "the end of the line", "found '\\r'"),
        ("[t\n", 1, 3, "']' to close the table header", "the end of the line"),
        ("[[t]\n", 1, 4, "']]' to close the table header", "found ']'"),
        ("[[t] ]\n", 1, 4, "']]'", "found ']'"),
        ("[ [t]]\n", 1, 3, "a key", "found '['"),
        ("[]\n", 1, 2, "a key", "found ']'"),
        ("[t] x = 1\n", 1, 5, "the end of the line", "found 'x'"),
        ("[a.]\n", 1, 4, "a key", "found ']'"),
        ("[\u{FFFD}n]\n", 1, 2, "a key", "found '\u{FFFD}'"),
        ("[\u{11}limits]\n", 1, 2, "a key", "found '\\u{11}'"),
        ("\u{3000}[t]\n", 1, 1, "a key", "found '\\u{3000}'"),
        ("a = 1\u{2028}[t]\n", 1, 6, "the end of the line", "found '\\u{2028}'"),
        ("bätch_rows = 5\n", 1, 2, "'=' after the key", "found 'ä'"),
        ("a b = 1\n", 1, 3, "'=' after the key", "found 'b'"),
        ("\"\"\"a\"\"\" = 1\n", 1, 1, "a multi-line string cannot be one", "found '\"\"\"'"),
        ("= 1\n", 1, 1, "a key", "found '='"),
        ("x = \(String(repeating: "[", count: 65))\(String(repeating: "]", count: 65))\n", 1, 69, "at most 64", "found '['"),
    ]

    @Test(arguments: malformedDocuments.indices)
    func refusesMalformedTOMLSayingWhereWhatWasExpectedAndWhatWasFound(_ index: Int) throws {
        let (text, line, column, expected, found) = Self.malformedDocuments[index]
        let error = try #require(configError { () throws(ConfigError) in _ = try ConfigNode.parseDocument(text) }, "\(text.debugDescription)")
        #expect(error.code == .syntax)
        #expect(error.key == nil)
        #expect(error.line == line && error.column == column, "\(text.debugDescription): \(error)")
        #expect(error.description.hasPrefix("line \(line), column \(column): TOML syntax error: expected "))
        #expect(error.description.contains(expected), "\(text.debugDescription): \(error)")
        #expect(error.description.contains(found), "\(text.debugDescription): \(error)")
        #expect(!error.description.contains("\n") && !error.description.contains("\r"))
    }

    /// Every truncation of the full example config, and every single-character change of a small one to a
    /// character TOML gives meaning to, loads or throws `ConfigError`; none can abort the test process.
    @Test func truncatedAndMutatedConfigsLoadOrAreRefusedNeverAbort() throws {
        let example = try ConfigExampleFileTests.uncommented(
            String(contentsOfFile: ConfigExampleFileTests.examplePath, encoding: .utf8))
        let utf8 = Array(example.utf8)
        var outcomes = (loaded: 0, refused: 0)
        for end in stride(from: 0, through: utf8.count, by: 7) {
            tally(String(decoding: utf8[..<end], as: UTF8.self), into: &outcomes)
        }
        let small = Array("[sources.tcp]\nlisten = \"127.0.0.1:5170\" # c\n[loader]\nbatch_rows = [1, {a = 2}]\nd = 1979-05-27 07:32:00\n".utf8)
        for position in small.indices {
            for replacement in Array("[]{},=\"'#\\\n\r\t .:+-_0eTZ".utf8) {
                var mutated = small
                mutated[position] = replacement
                tally(String(decoding: mutated, as: UTF8.self), into: &outcomes)
                mutated.insert(replacement, at: position)
                tally(String(decoding: mutated, as: UTF8.self), into: &outcomes)
            }
        }
        #expect(outcomes.loaded > 0 && outcomes.refused > 0)
    }

    private func tally(_ text: String, into outcomes: inout (loaded: Int, refused: Int)) {
        if loadError(text) == nil { outcomes.loaded += 1 } else { outcomes.refused += 1 }
    }
}
