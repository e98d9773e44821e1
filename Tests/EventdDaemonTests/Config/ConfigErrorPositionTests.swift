import Foundation
import Testing
@testable import EventdDaemon

/// Errors about a config file's contents say where: `file:line:column:` for syntax, unknown keys, wrong types
/// and invalid values alike, pointing at the value (or the element of an array) at fault.
@Suite struct ConfigErrorPositionTests {
    private func fileError(_ toml: String) throws -> (ConfigError, String) {
        let path = NSTemporaryDirectory() + "eventd-position-test-\(UUID().uuidString).toml"
        try toml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(configError { () throws(ConfigError) in
            _ = try EventdConfig.load(fileAt: path, environment: [:])
        })
        return (error, path)
    }

    @Test func wrongTypeInAFileNamesFileLineAndColumn() throws {
        let (error, path) = try fileError("# eventd\n\n[loader]\nbatch_rows = \"many\"\n")
        #expect(error.code == .wrongType)
        #expect(error.line == 4 && error.column == 14)
        #expect(error.description == "\(path):4:14: 'loader.batch_rows' must be an integer, not a string")
    }

    @Test func syntaxErrorInAFileNamesFileLineAndColumn() throws {
        let (error, path) = try fileError("[loader]\nbatch_rows = 1 2\n")
        #expect(error.code == .syntax)
        #expect(error.description.hasPrefix("\(path):2:16: TOML syntax error: expected the end of the line"))
    }

    @Test func keyDefinedTwiceNamesTheSecondOne() throws {
        let (error, path) = try fileError("[ring]\ncapacity = 1024\ncapacity = 2048\n")
        #expect(error.code == .syntax)
        #expect(error.description == "\(path):3:1: TOML error: key ring.capacity is already defined")
    }

    @Test func invalidValuePointsAtTheValue() throws {
        let error = try #require(loadError("[sources.tcp]\n  listen =   \"nowhere\"\n"))
        #expect(error.code == .invalidValue)
        #expect(error.line == 2 && error.column == 14)
        #expect(error.description.hasPrefix("line 2, column 14: invalid value for 'sources.tcp.listen'"))
    }

    @Test func errorInAnArrayElementPointsAtTheElement() throws {
        let error = try #require(loadError("[rollup]\nbuckets = [\"hour\",\n  \"week\"]\n"))
        #expect(error.key == "rollup.buckets[1]")
        #expect(error.line == 3 && error.column == 3)
    }

    @Test func errorInAWriteKeyFieldPointsAtTheField() throws {
        let error = try #require(loadError("""
            [[sources.http.write_keys]]
            name = "web"
            key = "pk_0123456789abcdef"
            kind = "public"

            [[sources.http.write_keys]]
            name = "server"
            key = "sk_0123456789abcdef"
            kind = 7
            """))
        #expect(error.key == "sources.http.write_keys[1].kind")
        #expect(error.line == 9 && error.column == 8)
    }

    @Test func environmentErrorsHaveNoPosition() throws {
        let error = try #require(loadError("", environment: ["EVENTD_LOADER_BATCH_ROWS": "many"]))
        #expect(error.line == nil && error.column == nil)
    }
}
