import Foundation
import Testing
@testable import EventdConfig
@testable import EventdTesting
@testable import EventdDaemon

/// `Config/eventd.toml` and the key table in docs/configuration.md are produced from the key declarations;
/// when a declaration changes (a default, a doc text, a new key), these fail until the files are produced again.
@Suite struct ConfigGeneratedFilesTests {
    static let repositoryRoot = packageRoot()

    static func text(of path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The first line where two texts differ, for the failure message.
    static func firstDifference(_ committed: String, _ generated: String) -> String {
        let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let new = generated.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(old.count, new.count) {
            let was = index < old.count ? String(old[index]) : "<end of file>"
            let now = index < new.count ? String(new[index]) : "<end of file>"
            if was != now { return "line \(index + 1):\n  committed: \(was)\n  generated: \(now)" }
        }
        return "no difference"
    }

    @Test func exampleFileIsWhatTheDeclarationsProduce() throws {
        let committed = try Self.text(of: "Config/eventd.toml")
        let generated = ConfigExampleFile.render()
        #expect(committed == generated, """
            Config/eventd.toml differs from the key declarations; regenerate it with
              swift run eventd config example > Config/eventd.toml
            first difference, \(Self.firstDifference(committed, generated))
            """)
    }

    @Test func referenceTableIsWhatTheDeclarationsProduce() throws {
        let committed = try Self.text(of: "docs/configuration.md")
        let generated = try #require(ConfigReference.replacingTable(in: committed),
                                     "docs/configuration.md has no config-keys markers")
        #expect(committed == generated, """
            the key table in docs/configuration.md differs from the key declarations; regenerate it with
              swift run eventd config reference --write docs/configuration.md
            first difference, \(Self.firstDifference(committed, generated))
            """)
    }

    /// Every key's declaration says something to the operator, in the example and in the reference.
    @Test func everyKeyIsDocumented() {
        for table in ConfigSchema.tables {
            for (index, key) in table.keys.enumerated() {
                #expect(!key.summary.isEmpty, "\(key.path) has no summary")
                #expect(!key.summary.contains("|") && !key.summary.contains("\n"), "\(key.path): summary must be one table cell")
                // A key without a comment of its own shares the one above it, or the section's.
                #expect(!key.comment.isEmpty || index > 0 || !table.comment.isEmpty, "\(key.path) has no comment")
            }
        }
    }
}
