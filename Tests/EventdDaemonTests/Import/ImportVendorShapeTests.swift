@testable import EventdDaemon
import EventdCore
import Foundation
import Logging
import Testing
@testable import EventdTesting

/// `eventd import` of PostHog, Mixpanel, Snowplow and Segment exports: each file's shape found from
/// its first record (or named), each event through its vendor's adapter mapping, deduplicated by the
/// vendor's own id on a second run, refusals keeping the vendor's bytes; gzip (several members) read
/// with the collector's inflater.
@Suite(.serialized) struct ImportVendorShapeTests {
    static let longName = String(repeating: "x", count: 300)

    @Test func exportsOfEachVendorLandOnceThroughTheirAdapters() throws {
        try withTestDatabase(prefix: "eventd_import_test") { database in
            let directory = try Self.directory()
            defer { try? FileManager.default.removeItem(atPath: directory) }

            let refusedPostHog = #"{"event":"\#(Self.longName)","distinct_id":"u-9","uuid":"0190a5b4-0000-7000-8000-0000000000f9"}"#
            try [
                #"{"event":"$pageview","distinct_id":"u-1","uuid":"0190a5b4-0000-7000-8000-0000000000f1","timestamp":"2025-03-01T10:00:00Z","properties":{"$current_url":"https://a.example/p?utm_source=hn","$lib":"web"}}"#,
                #"{"event":"signup","distinct_id":"u-1","uuid":"0190a5b4-0000-7000-8000-0000000000f2","timestamp":"2025-03-01T10:01:00Z","properties":{"plan":"pro"}}"#,
                refusedPostHog,
            ].joined(separator: "\n").write(toFile: directory + "/posthog.ndjson", atomically: true, encoding: .utf8)
            try """
                [{"event":"Played","properties":{"distinct_id":"m-1","time":1740823200,"$insert_id":"ins-1","song":"a"}},
                 {"event":"Paused","properties":{"distinct_id":"m-1","time":1740823260000,"$insert_id":"ins-2"}}]
                """.write(toFile: directory + "/mixpanel.json", atomically: true, encoding: .utf8)
            try [
                #"{"e":"pv","eid":"5c1d9f3a-2b4e-4c6d-8e7f-9012345678a1","duid":"d-1","dtm":"1740823200000","url":"https://s.example/x","p":"web","tv":"js-3.24.0"}"#,
                #"{"e":"se","eid":"5c1d9f3a-2b4e-4c6d-8e7f-9012345678a2","uid":"s-1","dtm":"1740823201000","se_ca":"video","se_ac":"play","p":"web","tv":"js-3.24.0"}"#,
            ].joined(separator: "\n").write(toFile: directory + "/snowplow.ndjson", atomically: true, encoding: .utf8)
            try #"{"type":"track","event":"Seg","userId":"g-1","messageId":"seg-1","timestamp":"2025-03-01T10:00:00Z"}"#
                .write(toFile: directory + "/segment.ndjson", atomically: true, encoding: .utf8)

            let paths = ["posthog.ndjson", "mixpanel.json", "snowplow.ndjson", "segment.ndjson"].map { directory + "/" + $0 }
            let first = try Self.importer(database).run(paths: paths) { _ in }
            #expect(first.inserted == 7 && first.refused == 1 && first.duplicates == 0, "\(first)")
            let rows = try database.connect().query("""
                SELECT source_key, type::text, name, coalesce(user_id, anonymous_id), extract(epoch FROM original_timestamp)::bigint::text, utm_source
                FROM analytics.events ORDER BY source_key, original_timestamp
                """).map(\.values)
            #expect(rows.map { $0[0] ?? "" } == ["import:mixpanel.json", "import:mixpanel.json", "import:posthog.ndjson",
                                                 "import:posthog.ndjson", "import:segment.ndjson",
                                                 "import:snowplow.ndjson", "import:snowplow.ndjson"], "\(rows)")
            #expect(rows[0][1] == "track" && rows[0][2] == "Played" && rows[0][3] == "m-1" && rows[0][4] == "1740823200")
            #expect(rows[1][2] == "Paused" && rows[1][4] == "1740823260", "Mixpanel's time in ms: \(rows[1])")
            #expect(rows[2][1] == "page" && rows[2][3] == "u-1" && rows[2][5] == "hn", "\(rows[2])")
            #expect(rows[4][2] == "Seg")
            #expect(rows[5][1] == "page" && rows[5][3] == "d-1" && rows[6][3] == "s-1", "\(rows[5]) \(rows[6])")
            let refused = try database.connect().query(
                "SELECT source_key, reason, convert_from(raw, 'UTF8') FROM analytics.rejected_events").map(\.values)
            #expect(refused == [["import:posthog.ndjson:3", "name_too_long", refusedPostHog]], "\(refused)")

            let again = try Self.importer(database).run(paths: paths) { _ in }
            #expect(again.inserted == 0 && again.duplicates == 7, "re-import stores nothing twice: \(again)")
            #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 7)
        }
    }

    @Test func aNamedFormatAppliesToEveryFileAndGzipMembersFollowEachOther() throws {
        try withTestDatabase(prefix: "eventd_import_test") { database in
            let directory = try Self.directory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // Two gzip members of PostHog capture bodies (`cat a.gz b.gz`): one batch envelope, one bare event.
            try #"{"api_key":"k","batch":[{"event":"a","distinct_id":"u","uuid":"0190a5b4-0000-7000-8000-0000000000e1"},{"event":"b","distinct_id":"u","uuid":"0190a5b4-0000-7000-8000-0000000000e2"}]}"#
                .write(toFile: directory + "/a", atomically: true, encoding: .utf8)
            try #"{"event":"c","distinct_id":"u","uuid":"0190a5b4-0000-7000-8000-0000000000e3"}"#
                .write(toFile: directory + "/b", atomically: true, encoding: .utf8)
            try Self.shell("cd \(directory) && gzip -c a > all.gz && printf '\\n' | gzip -c >> all.gz && gzip -c b >> all.gz")
            let summary = try Self.importer(database, format: .posthog).run(paths: [directory + "/all.gz"]) { _ in }
            #expect(summary.inserted == 3 && summary.refused == 0, "\(summary)")
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE user_id = 'u' AND name IN ('a','b','c')") == 3)
        }
    }

    @Test func theFirstRecordTellsTheFormat() {
        func sniff(_ text: String) -> ImportFormat {
            Array(text.utf8).withUnsafeBytes { ImportFormat.sniff($0, maxDepth: 64) }
        }
        #expect(sniff(#"{"event":"e","distinct_id":"u","properties":{}}"#) == .posthog)
        #expect(sniff(#"{"api_key":"k","batch":[{"event":"e","distinct_id":"u"}]}"#) == .posthog)
        #expect(sniff(#"{"event":"e","properties":{"distinct_id":"u","time":1}}"#) == .mixpanel)
        #expect(sniff(#"{"e":"pv","duid":"d"}"#) == .snowplow)
        #expect(sniff(#"{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[]}"#) == .snowplow)
        #expect(sniff(#"{"type":"track","event":"e","userId":"u","properties":{"time":1}}"#) == .segment)
        #expect(sniff(#"{"batch":[{"type":"track","event":"e","userId":"u"}]}"#) == .segment)
        #expect(sniff(#"{"type":"page_view","name":"p"}"#) == .segment)
        #expect(sniff("not json") == .native)
    }

    static func directory() throws -> String {
        let directory = NSTemporaryDirectory() + "eventd-import-vendor-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func importer(_ database: TestDatabase, format: ImportFormat = .auto) -> ImportRunner {
        var limits = IngestLimits()
        limits.maxPastMicros = 36_500 * 86_400 * 1_000_000
        var logger = Logger(label: "import-test")
        logger.logLevel = .critical
        return ImportRunner(batchRows: 4, limits: limits, format: format, logger: logger, connect: { try database.connect() })
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
    }
}
