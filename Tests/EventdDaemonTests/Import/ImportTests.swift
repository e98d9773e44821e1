@testable import EventdDaemon
import EventdCore
import Foundation
import Logging
import Testing
@testable import EventdTesting

/// `eventd import`: history files (NDJSON, a JSON array, gzip) through the live decode path into
/// PostgreSQL; a second run stores nothing twice; refusals name the file and line.
@Suite(.serialized) struct ImportTests {
    @Test func filesOfEveryShapeLandOnceAndRefusalsNameTheirLine() throws {
        try withTestDatabase(prefix: "eventd_import_test") { database in
            let directory = NSTemporaryDirectory() + "eventd-import-\(UInt32.random(in: 0 ... .max))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }

            // 300 NDJSON lines from last year (older than the live 30-day limit), one broken line, a blank one.
            var lines = (0..<300).map {
                #"{"type":"track","event":"Old","anonymousId":"a","messageId":"nd-\#($0)","timestamp":"2025-0\#(1 + $0 % 9)-02T03:04:05Z"}"#
            }
            lines.insert(#"{"type":"track","event":"#, at: 150)
            lines.append("")
            try lines.joined(separator: "\n").write(toFile: directory + "/events.ndjson", atomically: true, encoding: .utf8)
            // A JSON array whose strings hold brackets and commas, with a refused scalar element.
            let elements = (0..<40).map { #"{"type":"track","event":"Arr","userId":"u","messageId":"arr-\#($0)","properties":{"s":"a, ] [ \" {"}}"# }
            try ("[\n" + (elements + ["7"]).joined(separator: ",\n") + "\n]").write(toFile: directory + "/events.json", atomically: true, encoding: .utf8)
            // gzip, made by the system's gzip.
            let plain = (0..<25).map { #"{"type":"page","name":"Home","anonymousId":"g","messageId":"gz-\#($0)"}"# }.joined(separator: "\n")
            try plain.write(toFile: directory + "/more.ndjson", atomically: true, encoding: .utf8)
            try run("/bin/gzip", [directory + "/more.ndjson"])

            let paths = ["events.ndjson", "events.json", "more.ndjson.gz"].map { directory + "/" + $0 }
            var progressCalls = 0
            let first = try importer(database, batchRows: 64).run(paths: paths) { _ in progressCalls += 1 }
            #expect(first.inserted == 365 && first.duplicates == 0)
            #expect(first.refused == 2)
            #expect(progressCalls >= 3, "progress after every batch and at the end of each file")
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE source_key LIKE 'import:%'") == 365)
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE original_timestamp < '2025-10-01'") == 300)
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE properties->>'s' = 'a, ] [ \" {'") == 40)
            #expect(try database.scalar("""
                SELECT count(*) FROM analytics.rejected_events
                WHERE (source_key, reason) IN (('import:events.ndjson:151', 'malformed_json'), ('import:events.json:41', 'not_an_object'))
                """) == 2)

            // Interrupted and run again: nothing is stored twice.
            let again = try importer(database, batchRows: 64).run(paths: paths) { _ in }
            #expect(again.inserted == 0 && again.duplicates == 365)
            #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 365)
        }
    }

    @Test func aTruncatedArrayStopsTheImportAndSaysWhere() throws {
        try withTestDatabase(prefix: "eventd_import_test") { database in
            let path = NSTemporaryDirectory() + "eventd-import-truncated-\(UInt32.random(in: 0 ... .max)).json"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try #"[{"type":"track","event":"A","userId":"u"}, {"type":"track","event":"B","us"#
                .write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: ImportRunner.Failure.self) { try importer(database, batchRows: 10).run(paths: [path]) { _ in } }
            #expect(error?.description.contains("ends inside its JSON array") == true)
        }
    }

    private func importer(_ database: TestDatabase, batchRows: Int) -> ImportRunner {
        var limits = IngestLimits()
        limits.maxPastMicros = 36_500 * 86_400 * 1_000_000
        var logger = Logger(label: "import-test")
        logger.logLevel = .critical
        return ImportRunner(batchRows: batchRows, limits: limits, logger: logger, connect: { try database.connect() })
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
    }
}
