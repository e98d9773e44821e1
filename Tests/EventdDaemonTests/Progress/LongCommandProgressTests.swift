@testable import EventdDaemon
import EventdCore
import EventdMigrations
import EventdPostgres
import Foundation
import Logging
import Testing
@testable import EventdTesting

/// The progress lines of `eventd migrate`, `rollup --once`, `spool --replay` and `import` when
/// standard error is not a terminal (logs, CI), against a real PostgreSQL: counts and summaries
/// that match what the database holds.
@Suite(.serialized) struct LongCommandProgressTests {
    @Test func migrateNamesEachMigrationWithItsPositionAndSumsUp() throws {
        try withTestDatabase(prefix: "eventd_progress_test", migrated: false) { database in
            let connection = try database.connect()
            defer { connection.close() }
            let recorder = ProgressRecorder()
            let applied = try MigrationRunner(connection: connection).apply(environment: nil, display: recorder.display())

            let count = Migrations.bundled.count
            #expect(applied.count == count)
            let lines = recorder.lines
            #expect(lines.first?.hasPrefix("migrate: \(count) pending migration(s) on a database of ") == true)
            for (number, migration) in Migrations.bundled.enumerated() {
                #expect(lines.contains { $0.hasPrefix("migrate \(number + 1)/\(count): applied \(migration.fileName) in ") && $0.hasSuffix(" ms") })
            }
            #expect(lines.last?.hasPrefix("migrate: applied \(count) migration(s) in ") == true)

            let again = ProgressRecorder()
            #expect(try MigrationRunner(connection: connection).apply(environment: nil, display: again.display()).isEmpty)
            #expect(again.lines == ["schema is up to date (\(count) migrations applied)"])
        }
    }

    @Test func rollupOnceShowsEachPhaseWithTheRowsItTouched() throws {
        try withTestDatabase(prefix: "eventd_progress_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            try RollupSQL.insertRandom(connection, count: 500, within: "2 days", seed: 0.19)
            let recorder = ProgressRecorder()
            let report = try RollupRunner.runOnce(on: connection, settings: RollupConfig(), display: recorder.display())

            let aggregations = try database.scalar("SELECT count(*) FROM analytics.event_aggregations")
            let metrics = try database.scalar("SELECT count(*) FROM analytics.metrics WHERE metric_name = 'events.count'")
            #expect(report.added == 500 && report.upserted == aggregations && report.eventCounts == metrics)
            let n = { (value: Int) in StatusReport.count(Double(value)) }
            let phases = recorder.lines.filter { !$0.hasPrefix("rollup: running ") }
            #expect(phases == [
                "rollup: read 500 new row version(s), 0 retracted (0 logged by deletes/updates), 0 frozen",
                "rollup: event_aggregations: \(n(report.scopes)) bucket(s) merged, \(n(aggregations)) row(s) upserted, 0 deleted",
                "rollup: metrics: \(n(metrics)) event-count row(s), \(n(report.kpis)) KPI row(s) changed",
                "rollup: done in \(report.milliseconds) ms; watermark \(report.watermark ?? "-")",
            ])
        }
    }

    @Test func spoolReplayCountsRecordsAndRowsUpToTheWholeSpool() throws {
        try withTestDatabase(prefix: "eventd_progress_test") { database in
            let directory = TemporarySpoolDirectory()
            defer { directory.remove() }
            // 12 records of 25 events each, spooled as `eventd serve` spools them while PostgreSQL is away.
            let spool = try directory.open()
            let context = IngestContext(receivedAt: Timestamp.now(), transport: .tcp)
            var decoder = EventDecoder()
            for record in 0..<12 {
                let batch = IngestBatch()
                for i in 0..<25 {
                    _ = decoder.decode(#"{"type":"track","event":"Spooled","userId":"u","messageId":"sp-\#(record)-\#(i)"}"#,
                                       context: context, into: batch.events, rejected: batch.rejections)
                }
                batch.received = 25
                try spool.append([batch])
            }
            spool.close()

            let recorder = ProgressRecorder()
            let display = recorder.display()
            var logger = Logger(label: "progress-test")
            logger.logLevel = .critical
            let report = try SpoolOperations.replay(settings: directory.settings(), batchRows: 100, logger: logger,
                                                    connect: { try database.connect() }, progress: { display.update($0.render()) })

            #expect(report.records == 12 && report.inserted == 300)
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'Spooled'") == 300)
            let lines = recorder.lines
            #expect(lines.count >= 3, "a line per committed chunk of at most 100 rows")
            let last = try #require(lines.last)
            #expect(last.hasPrefix("[########################] 100% · 12/12 records · 300 rows · "))
            #expect(lines.dropLast().allSatisfy { !$0.contains("12/12 records") })
        }
    }

    @Test func importShowsEventsRefusalsAndBytesUpToTheWholeFile() throws {
        try withTestDatabase(prefix: "eventd_progress_test") { database in
            let path = NSTemporaryDirectory() + "eventd-import-progress-\(UInt32.random(in: 0 ... .max)).ndjson"
            defer { try? FileManager.default.removeItem(atPath: path) }
            var lines = (0..<200).map { #"{"type":"track","event":"Hist","userId":"u","messageId":"hist-\#($0)"}"# }
            lines.insert("not json", at: 100)
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)

            var logger = Logger(label: "progress-test")
            logger.logLevel = .critical
            let runner = ImportRunner(batchRows: 50, limits: IngestLimits(), logger: logger, connect: { try database.connect() })
            let recorder = ProgressRecorder()
            let display = recorder.display()
            let summary = try runner.run(paths: [path]) { display.update($0.render()) }

            #expect(summary.inserted == 200 && summary.refused == 1)
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'Hist'") == 200)
            #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events WHERE source_key = 'import:\((path as NSString).lastPathComponent):101'") == 1)
            let shown = recorder.lines
            #expect(shown.count >= 4, "a line per committed batch of 50 rows, and one at the end of the file")
            #expect(try #require(shown.last).hasPrefix("[########################] 100% · 200 events · 1 refused · \(ProgressLine.megabytes(size, of: size)) · "))
        }
    }
}
