@testable import EventdDaemon
import EventdPostgres
import Testing
@testable import EventdTesting

/// `/console/refusals` runs exactly `RefusalQueries` (the strings `Benchmarks/query-bench.sh` times),
/// and their parameters filter as the form says, on a real PostgreSQL.
@Suite(.serialized) struct RefusalQueriesTests {
    @Test func thePageRunsExactlyTheStatementsTheHarnessTimes() {
        for query in [[:], ["reason": "too_deep"], ["source_key": "web"], ["reason": "too_deep", "source_key": "web", "since": "7d"], ["since": "1h"]] {
            let filter = RefusalsPage.Filter(query)
            #expect(filter.statements.map(\.sql) == [RefusalQueries.counts, RefusalQueries.samples])
            let where_: [String?] = [filter.period.interval, query["reason"], query["source_key"]]
            #expect(filter.statements.map(\.parameters) == [where_ + [filter.period.bucket], where_])
        }
        #expect(RefusalQueries.samples.contains("LIMIT \(RefusalsPage.samplesShown)\n") || RefusalQueries.samples.hasSuffix("LIMIT \(RefusalsPage.samplesShown)"))
        #expect(RefusalQueries.samples.contains("substring(raw FROM 1 FOR \(RefusalsPage.rawShown + 1))"))
    }

    @Test func unsetFiltersMatchEverythingAndSetOnesOnlyTheirRows() throws {
        try withTestDatabase(prefix: "eventd_refusal_queries_test") { database in
            let connection = try database.connect()
            defer { connection.close() }
            // 3 too_deep from web, 2 malformed_json from web, 4 malformed_json from app; 5 more two days ago.
            try connection.execute("""
                INSERT INTO analytics.rejected_events (received_at, transport, source_key, reason, detail, raw, raw_size)
                SELECT now() - make_interval(mins => g), 'http', s, r, 'd', '\\x7b'::bytea, 1
                FROM (VALUES ('web', 'too_deep', 3), ('web', 'malformed_json', 2), ('app', 'malformed_json', 4)) v(s, r, n),
                     generate_series(1, v.n) g;
                INSERT INTO analytics.rejected_events (received_at, transport, source_key, reason, detail, raw, raw_size)
                SELECT now() - interval '2 days', 'tcp', 'web', 'too_deep', 'old', NULL, 0 FROM generate_series(1, 5);
                """)
            func total(_ query: [String: String]) throws -> (counted: Int, sampled: Int) {
                let filter = RefusalsPage.Filter(query)
                let counts = try connection.query(filter.statements[0].sql, filter.statements[0].parameters)
                let samples = try connection.query(filter.statements[1].sql, filter.statements[1].parameters)
                return (try counts.reduce(0) { $0 + (try $1.int("n") ?? 0) }, samples.count)
            }
            #expect(try total([:]) == (9, 9))
            #expect(try total(["reason": "malformed_json"]) == (6, 6))
            #expect(try total(["source_key": "web"]) == (5, 5))
            #expect(try total(["reason": "too_deep", "source_key": "web", "since": "7d"]) == (8, 8))
            #expect(try total(["source_key": "nobody"]) == (0, 0))
        }
    }
}
