@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// A real browser: headless Chromium loads a page that sends `navigator.sendBeacon` beacons —
/// a string and an `application/json` Blob (which Chromium preflights, and sends with
/// credentials) — both same-origin and cross-origin, and the rows must land in PostgreSQL.
///
/// The cross-origin page is served by `PageServer` on its own port; it embeds an iframe of the
/// collector's own origin (`testOnly_pages`) for the same-origin beacons. Chromium is confined to
/// loopback (`--host-resolver-rules` maps every other host name to nothing) and to a time limit.
@Suite(.serialized)
struct HTTPBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium); .ci/run installs it"))
    func chromiumBeaconsLandSameOriginAndCrossOrigin() async throws {
        try await withTestDatabase { database in
            let pages = try PageServer()
            defer { pages.stop() }
            let collectorPort = try freeLoopbackPort()
            let collectorOrigin = "http://127.0.0.1:\(collectorPort)"
            let pageOrigin = "http://127.0.0.1:\(pages.port)"
            let key = HTTPTestDaemon.publicKey

            func script(url: String, prefix: String) -> String {
                """
                <script>
                const url = '\(url)/v1/beacon';
                const event = (name) => JSON.stringify({type: 'track', event: name, anonymousId: 'chromium', writeKey: '\(key)',
                                                        properties: {origin: location.origin}});
                const sent = [
                  navigator.sendBeacon(url, event('\(prefix)-string')),
                  navigator.sendBeacon(url, new Blob([event('\(prefix)-blob')], {type: 'application/json'})),
                ];
                document.title = '\(prefix):' + sent.join(',');
                </script>
                """
            }
            pages.page = "<!doctype html><title>cross</title>" + script(url: collectorOrigin, prefix: "cross")
                + "<iframe src=\"\(collectorOrigin)/test/same.html\"></iframe>"
            let samePage = "<!doctype html><title>same</title>" + script(url: "", prefix: "same")

            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url) { config in
                config.sources.http.listen = ListenAddress(host: "127.0.0.1", port: collectorPort)
                config.sources.http.writeKeys = [
                    WriteKey(name: "website", key: key, kind: .public, allowedOrigins: [collectorOrigin, pageOrigin]),
                ]
            } settings: { settings in
                var settings = settings
                settings.testOnly_pages = ["/test/same.html": samePage]
                return settings
            }) { daemon in

                try await Self.withChromium(url: "\(pageOrigin)/cross.html") {
                    try await check(database: database, pageOrigin: pageOrigin, collectorOrigin: collectorOrigin, daemon: daemon)
                }
            }
        }
    }

    private func check(database: TestDatabase, pageOrigin: String, collectorOrigin: String, daemon: HTTPTestDaemon) async throws {
        let landed = try await database.waitForCount(
            "SELECT count(*) FROM analytics.events WHERE anonymous_id = 'chromium'", toReach: 4, timeout: .seconds(30))
        #expect(landed == 4, "beacons from Chromium in PostgreSQL")
        let rows = try database.connect().query("""
            SELECT name, properties->>'origin', transport::text, source_key, browser, is_bot::text
            FROM analytics.events WHERE anonymous_id = 'chromium' ORDER BY name
            """)
        #expect(rows.map { $0[0] ?? "" } == ["cross-blob", "cross-string", "same-blob", "same-string"])
        #expect(rows.map { $0[1] ?? "" } == [pageOrigin, pageOrigin, collectorOrigin, collectorOrigin])
        #expect(rows.allSatisfy { $0[2] == "http" && $0[3] == "website" && $0[4] == "Chrome" })
        #expect(rows.allSatisfy { $0[5] == "true" }, "HeadlessChrome is flagged as a bot (drop_bots is off, so it is kept)")
        // Four beacons answered 204, and so was the one preflight: the cross-origin Blob's
        // (a same-origin request needs none).
        #expect(daemon.metrics.counters.contains {
            $0.label == "eventd_http_responses_total" && $0.dimensions.contains { $0 == ("status", "204") } && $0.totalValue == 5
        })
        try await daemon.stop()
    }
}

extension HTTPBrowserTests {
    /// Runs headless Chromium on `url` while `body` runs, then ends it (and every helper process).
    /// Confined to loopback (`--host-resolver-rules` maps every other host name to nothing), with a
    /// fresh profile, and killed after 60 s whatever happens.
    static func withChromium(url: String, _ body: () async throws -> Void) async throws {
        let chromium = try #require(chromium)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("eventd-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        browser.arguments = ["--kill-after=5", "60", chromium,
                             "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--disable-extensions", "--disable-default-apps", "--metrics-recording-only",
                             "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
                             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                             "--user-data-dir=\(profile.path)", "--remote-debugging-port=0", url]
        browser.standardOutput = FileHandle.nullDevice
        browser.standardError = FileHandle.nullDevice
        try browser.run()
        defer {
            // `timeout` leads its own process group (Chromium and its helpers): end the whole group.
            if browser.isRunning { kill(-browser.processIdentifier, SIGKILL) }
            browser.waitUntilExit()
        }
        try await body()
    }
}
