import EventdCore
import Foundation
import Testing
@testable import EventdConfig
@testable import EventdTesting
@testable import EventdDaemon

/// Tables in `docs/` that mirror code are checked against that code, so that they cannot drift: the reject
/// reasons, the JSON → column mapping, the refusal row's columns, the migrations and the config keys. A table
/// is the lines between `<!-- BEGIN name … -->` and `<!-- END name -->`; when one fails, the message says what
/// is missing or extra, or shows the row the code expects, ready to paste.
@Suite struct DocsMatchCodeTests {
    /// Where each checked table lives. When a table moves (say Segment's mapping to `docs/protocols/`), change
    /// its entry here; the checks stay as they are.
    enum Place {
        static let rejectReasons = (file: "docs/sending-events.md", table: "reject-reasons")
        static let columnMapping = (file: "docs/sending-events.md", table: "column-mapping")
        static let refusalColumns = (file: "docs/sending-events.md", table: "refusal-columns")
        static let configKeys = (file: "docs/configuration.md", table: "config-keys")
        static let migrations = (file: "docs/architecture.md", table: "migrations")
        static let migrationsFolder = "Sources/EventdMigrations/SQL"
        /// The code's own copy of the column mapping, a `///` table (documentation only, see `EventMapping`).
        static let columnMappingSource = "Sources/EventdCore/Decode/EventMapping.swift"
    }

    /// The package root, found from this file's path.
    static let repositoryRoot = packageRoot()

    static func text(of path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The raw lines of the table `name` in `file`, header and separator row included.
    static func tableLines(_ name: String, in file: String) throws -> [String] {
        let lines = try text(of: file).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("<!-- BEGIN \(name)") }),
              let end = lines[begin...].firstIndex(where: { $0.hasPrefix("<!-- END \(name)") })
        else {
            Issue.record("\(file) has no table marked <!-- BEGIN \(name) --> … <!-- END \(name) -->")
            return []
        }
        return lines[(begin + 1)..<end].filter { $0.hasPrefix("|") }
    }

    /// The body rows of a table, each split into trimmed cells (`\|` stays inside a cell).
    static func tableRows(_ name: String, in file: String) throws -> [[String]] {
        try tableLines(name, in: file).dropFirst(2).map(cells)
    }

    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var previous: Character = " "
        for character in line.dropFirst() {
            if character == "|" && previous != "\\" {
                cells.append(cell.trimmingCharacters(in: .whitespaces))
                cell = ""
            } else {
                cell.append(character)
            }
            previous = character
        }
        return cells
    }

    static func code(_ text: String) -> String { "`\(text)`" }

    // MARK: reject reasons

    /// Every `RejectReason`, in declaration order, with its `humanDescription`; then `rejected_by_database`, the
    /// one reason PostgreSQL gives rather than the decoder.
    @Test func rejectReasonTableListsEveryReasonWithItsSentence() throws {
        let rows = try Self.tableRows(Place.rejectReasons.table, in: Place.rejectReasons.file)
        let expected = RejectReason.allCases.map { [Self.code($0.rawValue), $0.humanDescription] }
            + [[Self.code("rejected_by_database")]]
        Self.expectSameNames(rows.map { $0[0] }, expected.map { $0[0] }, "reasons (RejectReason, then rejected_by_database)")
        let byReason = Self.rowsByFirstCell(rows)
        for want in expected where want.count > 1 {
            guard let row = byReason[want[0]] else { continue }
            #expect(row.count > 1 && row[1] == want[1], "should read: | \(want[0]) | \(want[1]) | <when> |")
        }
        #expect(RejectedEventColumns.insertDatabaseRefusal.contains("'rejected_by_database'"))
    }

    /// Names in a docs table against the code's, in order, saying which are missing and which are extra.
    static func expectSameNames(
        _ documented: [String], _ code: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let missing = code.filter { !documented.contains($0) }
        let extra = documented.filter { !code.contains($0) }
        #expect(missing.isEmpty, "\(what): missing from the docs: \(missing)", sourceLocation: sourceLocation)
        #expect(extra.isEmpty, "\(what): in the docs but not in the code: \(extra)", sourceLocation: sourceLocation)
        if missing.isEmpty && extra.isEmpty {
            #expect(documented == code, "\(what): the order differs from the code's", sourceLocation: sourceLocation)
        }
    }

    static func rowsByFirstCell(_ rows: [[String]]) -> [String: [String]] {
        Dictionary(rows.map { ($0[0], $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: column mapping

    /// The docs' mapping table is the code's `///` table, line for line.
    @Test func columnMappingTableIsEventMappingsTable() throws {
        let source = try Self.text(of: Place.columnMappingSource)
        let codeTable = source.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("/// |") ? String(trimmed.dropFirst(4)) : nil
        }
        #expect(!codeTable.isEmpty, "no `/// |` table in \(Place.columnMappingSource)")
        let docsTable = try Self.tableLines(Place.columnMapping.table, in: Place.columnMapping.file)
        #expect(docsTable == codeTable, "copy the table of \(Place.columnMappingSource) into \(Place.columnMapping.file)")
    }

    /// Every column eventd COPYs into `analytics.events` is in the mapping's first column, once, and nothing else.
    @Test func columnMappingCoversEveryCopiedColumnOnce() throws {
        let copied = CopyRowEncoder.eventsColumnList.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let rows = try Self.tableRows(Place.columnMapping.table, in: Place.columnMapping.file)
        var named: [String] = []
        for row in rows {
            // "name (1–255 chars)", "user_id / anonymous_id (≤255)", "utm_source … utm_content", "a, b, c".
            let cell = row[0].replacing(/\([^)]*\)/, with: "")
            for part in cell.split(whereSeparator: { $0 == "," || $0 == "/" }) {
                let ends = part.split(separator: "…").map { $0.trimmingCharacters(in: .whitespaces) }
                if ends.count == 2, let from = copied.firstIndex(of: ends[0]), let to = copied.firstIndex(of: ends[1]) {
                    named += copied[from...to]
                } else {
                    named.append(part.trimmingCharacters(in: .whitespaces))
                }
            }
        }
        #expect(named.sorted() == copied.sorted(), "mapping names \(named), COPY has \(copied)")
        #expect(Set(named).count == named.count, "a column is mapped twice")
    }

    /// The refusal row's columns, in COPY order.
    @Test func refusalColumnTableIsTheCopyColumnList() throws {
        let copied = CopyRowEncoder.rejectedColumnList.split(separator: ",").map {
            Self.code($0.trimmingCharacters(in: .whitespaces))
        }
        let rows = try Self.tableRows(Place.refusalColumns.table, in: Place.refusalColumns.file)
        Self.expectSameNames(rows.map { $0[0] }, copied, "refusal columns (CopyRowEncoder.rejectedColumnList)")
    }

    // MARK: migrations

    /// One row per migration file, in version order, each with what it does.
    @Test func migrationTableListsEveryMigrationFile() throws {
        let folder = Self.repositoryRoot.appendingPathComponent(Place.migrationsFolder).path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted()
        let rows = try Self.tableRows(Place.migrations.table, in: Place.migrations.file)
        Self.expectSameNames(rows.map { $0[0] }, files.map(Self.code), "migrations (\(Place.migrationsFolder))")
        for row in rows { #expect(row.count == 2 && !row[1].isEmpty, "\(row[0]) says nothing of what it does") }
    }

    // MARK: config keys

    /// The cells the code gives a key: key, what it takes, its built-in default, its environment variable, and
    /// whether a reload applies it (`ConfigChanges`).
    static func expectedCells(_ spec: ConfigKeySpec) -> [String] {
        let defaultValue = spec.render(EventdConfig()).map(code) ?? "unset"
        let onReload = ConfigChanges.isLive(spec.path) ? "live" : "restart"
        return [code(spec.path), ConfigReference.takes(spec), defaultValue, code(spec.environmentName), onReload]
    }

    /// One row per key in `ConfigSchema` order, with what it takes, its default, its variable and what a reload
    /// does as the code has them, and a description.
    @Test func configKeyTableMatchesTheSchema() throws {
        let rows = try Self.tableRows(Place.configKeys.table, in: Place.configKeys.file)
        let expected = ConfigSchema.keys.map(Self.expectedCells)
        Self.expectSameNames(rows.map { $0[0] }, expected.map { $0[0] }, "config keys (ConfigSchema.keys)")
        let byKey = Self.rowsByFirstCell(rows)
        for want in expected {
            guard let row = byKey[want[0]] else {
                Issue.record("add: | \(want.joined(separator: " | ")) | <what it does> |")
                continue
            }
            #expect(Array(row.prefix(want.count)) == want, "should read: | \(want.joined(separator: " | ")) | <what it does> |")
            #expect(row.count == want.count + 1 && !row[want.count].isEmpty, "\(want[0]) has no description")
        }
    }
}
