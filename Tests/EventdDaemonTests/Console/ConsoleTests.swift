@testable import EventdDaemon
import EventdPostgres
import Foundation
import Testing
@testable import EventdTesting

/// The web console against a real PostgreSQL: off unless configured, closed without its credential,
/// escaping what senders sent, and showing the numbers its SQL defines.
@Suite(.serialized)
struct ConsoleTests {
    @Test func consoleIsOffWithoutCredentials() async throws {
        try await withTestDatabase { database in
            try await ConsoleTestDaemon.with(database: database, configure: { _ in }) { daemon in
                #expect(daemon.running.daemon.console == nil)
                for path in ["/console", "/console/live", "/console/refusals", "/console/style.css"] {
                    let status = try await daemon.get(path).status
                    #expect(status == 404, "\(path) without [console]")
                }
                let health = try await daemon.get("/healthz").status
                #expect(health == 200, "the admin listener itself still answers")
            }
        }
    }

    @Test func missingOrWrongCredentialGets401WithAChallenge() async throws {
        try await withTestDatabase { database in
            let writeKey = "write-key-0123456789abcdef"
            try await ConsoleTestDaemon.with(database: database, configure: { config in
                config.console.token = ConsoleTestDaemon.token
                config.console.user = ConsoleTestDaemon.user
                config.console.password = ConsoleTestDaemon.password
                config.sources.http.writeKeys = [WriteKey(name: "site", key: writeKey, kind: .public, allowedOrigins: [])]
            }) { daemon in
                let refused: [[(String, String)]] = [
                    [],
                    [("Authorization", "Bearer wrong-token-0123456789abcdef")],
                    [("Authorization", "Bearer \(writeKey)")],
                    [basicAuth(writeKey)],
                    [("Authorization", "Basic " + Data("\(ConsoleTestDaemon.user):wrong-password".utf8).base64EncodedString())],
                    [("Authorization", "Bearer \(ConsoleTestDaemon.token)x")],
                    [("Authorization", "Basic not-base64")],
                ]
                for headers in refused {
                    let response = try await daemon.get("/console/live", headers: headers)
                    #expect(response.status == 401, "\(headers.map(\.1))")
                    #expect(response.header("WWW-Authenticate")?.hasPrefix("Basic realm=") == true)
                    #expect(!response.text.contains("Events per second"))
                }
                for credential in [ConsoleTestDaemon.bearer, ConsoleTestDaemon.basic] {
                    let response = try await daemon.get("/console/live", headers: [credential])
                    #expect(response.status == 200)
                    #expect(response.header("X-Frame-Options") == "DENY")
                    #expect(response.header("Cache-Control") == "no-store")
                    #expect(response.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
                    #expect(!response.text.contains("<script"), "no script on any page")
                }
            }
        }
    }

    @Test func hostileRefusedBytesAreEscaped() async throws {
        try await withTestDatabase { database in
            let connection = try database.connect()
            defer { connection.close() }
            _ = try connection.query("""
                INSERT INTO analytics.rejected_events (transport, reason, detail, raw, raw_size, source_key)
                VALUES ('http', 'invalid_json', '<img src=x onerror=alert(1)>', convert_to($1, 'UTF8') || '\\x00ff'::bytea, 40, $2)
                """, ["<script>alert('refused')</script>\"", "<b>key</b>"])
            try await ConsoleTestDaemon.with(database: database) { daemon in
                let page = try await daemon.get("/console/refusals?since=1h").text
                #expect(page.contains("&lt;script&gt;alert(&#39;refused&#39;)&lt;/script&gt;&quot;\\x00\\xFF"), "raw bytes shown escaped")
                #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "detail escaped")
                #expect(page.contains("&lt;b&gt;key&lt;/b&gt;"), "source key escaped")
                #expect(!page.contains("<script") && !page.contains("<img") && !page.contains("<b>"))
                #expect(ConsoleTestDaemon.numbers(in: page)["refused:invalid_json"] == "1")

                let filtered = try await daemon.get("/console/refusals?reason=too_deep&source_key=%3Cb%3Ekey%3C%2Fb%3E").text
                #expect(ConsoleTestDaemon.numbers(in: filtered)["refused:invalid_json"] == nil, "filtered out by reason")
                let bySource = try await daemon.get("/console/refusals?source_key=%3Cb%3Ekey%3C%2Fb%3E&since=7d").text
                #expect(ConsoleTestDaemon.numbers(in: bySource)["refused:invalid_json"] == "1", "the source key filter, as a parameter")
                let injected = try await daemon.get("/console/refusals?source_key=x'%20OR%20'1'='1").text
                #expect(ConsoleTestDaemon.numbers(in: injected).isEmpty, "a quote in a filter is a value, not SQL")
            }
        }
    }

    @Test func dashboardNumbersEqualTheirSQLAfterARollup() async throws {
        try await withTestDatabase { database in
            let connection = try database.connect()
            defer { connection.close() }
            // Known events: 5 signups, 3 page views, 2 purchases, an hour ago.
            _ = try connection.query("""
                INSERT INTO analytics.events (type, name, occurred_at, original_timestamp, transport)
                SELECT 'track', n, now() - interval '1 hour', now() - interval '1 hour', 'tcp'
                FROM unnest(array['signup','signup','signup','signup','signup','page_view','page_view','page_view','purchase','purchase']) AS n
                """)
            _ = try connection.query("SELECT analytics.run_rollups()")
            try await ConsoleTestDaemon.with(database: database) { daemon in
                let page = try await daemon.get("/console/dashboards")
                #expect(page.status == 200)
                let shown = ConsoleTestDaemon.numbers(in: page.text)
                #expect(shown["top:signup"] == "5" && shown["top:page_view"] == "3" && shown["top:purchase"] == "2")
                #expect(shown["hourly:track"] == "10")
                // Every number on the page is the one its SQL gives now.
                let top = try connection.query(DashboardQueries.topNames)
                for row in top { #expect(shown["top:\(row[0]!)"] == row[1]) }
                let hourly = try connection.query("SELECT type, sum(events)::bigint FROM (\(DashboardQueries.hourlyByType)) q GROUP BY type")
                for row in hourly { #expect(shown["hourly:\(row[0]!)"] == row[1]) }
            }
        }
    }

    @Test func livePageShowsFlowAndSaysWhyTheReadServerIsUnreachable() async throws {
        try await withTestDatabase { database in
            let closedPort = try freeLoopbackPort()
            try await ConsoleTestDaemon.with(database: database, configure: { config in
                config.console.token = ConsoleTestDaemon.token
                config.database.readURL = "postgresql://postgres@127.0.0.1:\(closedPort)/postgres"
            }) { daemon in
                let console = try #require(daemon.running.daemon.console)
                console.sample()
                let client = try LineClient(port: daemon.running.tcpPort)
                try client.send(#"{"type":"track","event":"live_test","anonymousId":"a"}"# + "\n")
                try await Task.sleep(for: .milliseconds(300))
                console.sample()
                let response = try await daemon.get("/console/live")
                #expect(response.status == 200, "an unreachable read server costs the page a line, not the page")
                #expect(response.text.contains("PostgreSQL is unreachable for the console"))
                #expect(response.text.contains("http-equiv=\"refresh\""))
                let shown = ConsoleTestDaemon.numbers(in: response.text)
                #expect(shown["rate:received over tcp"].flatMap(Double.init).map { $0 > 0 } == true, "\(shown)")
                let streams = shown["copy_streams"]?.split(separator: " ").first.flatMap { Int($0) }
                #expect((streams ?? 0) >= 1, "the loader's open COPY streams: \(shown)")
                let ready = try await daemon.get("/readyz").status
                #expect(ready == 200, "ingest is ready all the same")
            }
        }
    }

    @Test func readPathIsReadOnly() async throws {
        try await withTestDatabase { database in
            let path = ConsoleReadPath(url: database.url, applicationName: "eventd-console-test", statementTimeout: .milliseconds(200))
            let readOnly = try await path.read { try $0.query("SHOW default_transaction_read_only")[0][0] }
            #expect(readOnly == "on")
            await #expect(throws: ConsoleReadPath.Failure.self) {
                try await path.read { try $0.execute("CREATE TABLE console_may_not_write (x int)") }
            }
            do throws(ConsoleReadPath.Failure) {
                _ = try await path.read { try $0.query("SELECT pg_sleep(2)") }
                Issue.record("a query past statement_timeout must be cancelled")
            } catch {
                #expect(error.description.contains("statement_timeout"))
            }
            await path.shutdown()
        }
    }
}
