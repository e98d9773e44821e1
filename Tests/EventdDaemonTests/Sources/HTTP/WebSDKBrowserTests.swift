@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// eventd's own web SDK (`/sdk.js`) in headless Chromium against a real eventd and PostgreSQL: a
/// site on another origin adds one script tag, and its page views (SPA ones too), custom events and
/// identifies land — across a beacon sent while navigating away, consent mode, and a collector that
/// is down for the first page and up for the next.
@Suite(.serialized)
struct WebSDKBrowserTests {
    @Test func theSDKIsSmallCachedAndRevalidated() async throws {
        let asset = WebSDKAsset.shared
        #expect(asset.gzipped.map(\.count) ?? .max <= 3_072, "≤ 3 KB gzipped (\(asset.gzipped?.count ?? -1) bytes)")
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let first = try client.request("GET", "/sdk.js", headers: [("Accept-Encoding", "gzip")])
                #expect(first.status == 200)
                #expect(first.header("content-encoding") == "gzip" && first.body.count == asset.gzipped?.count)
                #expect(first.header("content-type")?.hasPrefix("text/javascript") == true)
                let etag = try #require(first.header("etag"))
                let again = try client.request("GET", "/sdk.js", headers: [("If-None-Match", etag)])
                #expect(again.status == 304 && again.body.isEmpty)
            }
        }
    }

    @Test(.enabled(if: HTTPBrowserTests.chromium != nil, "chromium is not installed (apt-get install chromium); .ci/run installs it"))
    func pageViewsEventsAndIdentifiesLandFromACrossOriginSite() async throws {
        try await withTestDatabase { database in
            let site = try PageServer()
            defer { site.stop() }
            // A second site: its storage is not A's, so what A queued can only arrive by A's unload beacon.
            let otherSite = try PageServer()
            defer { otherSite.stop() }
            try await Self.withCollector(database: database, sites: [site, otherSite]) { collector in
                let tag = #"<script defer src="\#(collector.origin)/sdk.js" data-key="\#(HTTPTestDaemon.publicKey)"></script>"#
                site.files = [
                    // Page A: a campaign link, a click, an SPA navigation, identify, then away to the other
                    // site at once, long before the 2 s batch timer — the queue leaves in the unload beacon.
                    "/a.html": ("text/html", "<!doctype html><title>A</title>\(tag)<script>addEventListener('load', () => {"
                        + "eventd.track('Clicked', {n: 1}); history.pushState({}, '', '/spa/two');"
                        + "eventd.identify('user-7', {plan: 'pro'}); eventd.track('After identify');"
                        + "setTimeout(() => { location.href = '\(otherSite.origin)/b.html'; }, 300); });</script>"),
                ]
                otherSite.files = [
                    // Page B: an automatic page view.
                    "/b.html": ("text/html", "<!doctype html><title>B</title>\(tag)<script>addEventListener('load', () => "
                        + "setTimeout(() => { location.href = '/c.html'; }, 3000));</script>"),
                    // Page C: consent mode — nothing before consent.
                    "/c.html": ("text/html", "<!doctype html><title>C</title>"
                        + #"<script defer src="\#(collector.origin)/sdk.js" data-key="\#(HTTPTestDaemon.publicKey)" data-consent="required"></script>"#
                        + "<script>addEventListener('load', () => { eventd.track('Before consent');"
                        + "eventd.consent(true); eventd.track('After consent'); eventd.flush(); });</script>"),
                ]
                try await HTTPBrowserTests.withChromium(url: "\(site.origin)/a.html?utm_source=news&utm_medium=email") {
                    _ = try await database.waitForCount(
                        "SELECT count(*) FROM analytics.events WHERE name IN ('After consent', 'Clicked', 'After identify')",
                        toReach: 3, timeout: .seconds(40))
                    try await Task.sleep(for: .seconds(1))
                }
                let rows = try database.connect().query("""
                    SELECT type::text, name, page_path, user_id, anonymous_id, session_id, utm_source, properties::text, source_key
                    FROM analytics.events ORDER BY occurred_at, name
                    """)
                func names(_ type: String) -> [String] { rows.filter { $0[0] == type }.map { $0[2] ?? "" } }
                #expect(Set(names("page")).isSuperset(of: ["/a.html", "/spa/two", "/b.html", "/c.html"]), "page views: \(names("page"))")
                let clicked = rows.first { $0[1] == "Clicked" }
                #expect(clicked?[6] == "news", "UTM from the landing URL")
                #expect(clicked?[7]?.contains(#""n": 1"#) == true)
                #expect(rows.first { $0[0] == "identify" }?[3] == "user-7")
                #expect(rows.first { $0[1] == "After identify" }?[3] == "user-7", "events after identify carry the user id")
                let visitor = rows.filter { ["/a.html", "/spa/two"].contains($0[2] ?? "") || ["Clicked", "After identify"].contains($0[1] ?? "") }
                #expect(Set(visitor.map { $0[4] ?? "" }).count == 1 && Set(visitor.map { $0[5] ?? "" }).count == 1,
                        "one anonymous id and one session across A's page views and events")
                #expect(rows.allSatisfy { $0[8] == "website" }, "the public key's name")
                #expect(!rows.contains { $0[1] == "Before consent" })
                #expect(rows.filter { $0[1] == "After consent" }.count == 1)
                #expect(try database.scalar("SELECT count(*) - count(DISTINCT message_id) FROM analytics.events") == 0,
                        "events sent again by the next page are stored once")
            }
        }
    }

    @Test(.enabled(if: HTTPBrowserTests.chromium != nil, "chromium is not installed (apt-get install chromium); .ci/run installs it"))
    func eventsQueuedWhileTheCollectorIsDownArriveOnceFromTheNextPage() async throws {
        try await withTestDatabase { database in
            let site = try PageServer()
            defer { site.stop() }
            let collectorPort = try freeLoopbackPort()
            let collectorOrigin = "http://127.0.0.1:\(collectorPort)"
            // The site serves its own copy of the SDK (the collector is down), pointed at the collector.
            let tag = #"<script defer src="/sdk.js" data-host="\#(collectorOrigin)" data-key="\#(HTTPTestDaemon.publicKey)"></script>"#
            site.files = [
                "/sdk.js": ("text/javascript", String(decoding: WebSDKAsset.shared.plain, as: UTF8.self)),
                "/d.html": ("text/html", "<!doctype html><title>D</title>\(tag)<script>addEventListener('load', () => {"
                    + "eventd.track('While down'); setTimeout(() => { location.href = '/e.html'; }, 5000); });</script>"),
                "/e.html": ("text/html", "<!doctype html><title>E</title>\(tag)"),
            ]
            try await HTTPBrowserTests.withChromium(url: "\(site.origin)/d.html") {
                try await Task.sleep(for: .seconds(3))  // D's fetch and its unload beacon find nobody
                try await Self.withCollector(database: database, sites: [site], port: collectorPort) { collector in
                    _ = try await database.waitForCount("""
                        SELECT count(*) FROM analytics.events WHERE name = 'While down' OR (type = 'page' AND page_path = '/e.html')
                        """, toReach: 2, timeout: .seconds(40))
                    try await Task.sleep(for: .seconds(3))  // time for a copy sent twice to arrive (it must not be stored)
                }
            }
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'While down'") == 1)
            let pages = try database.connect().query("SELECT page_path, message_id FROM analytics.events WHERE type = 'page'")
            #expect(pages.filter { $0[0] == "/e.html" }.count == 1, "\((0..<pages.count).map { pages[$0][0] ?? "" })")
        }
    }

    /// Runs `body` with a collector for `sites` on `port` (else a free one), stopping it when `body` returns or throws.
    private static func withCollector(
        database: TestDatabase, sites: [PageServer], port: Int? = nil,
        _ body: ((daemon: HTTPTestDaemon, origin: String)) async throws -> Void
    ) async throws {
        let collectorPort = try port ?? freeLoopbackPort()
        let origin = "http://127.0.0.1:\(collectorPort)"
        try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url) { config in
            config.sources.http.listen = ListenAddress(host: "127.0.0.1", port: collectorPort)
            config.sources.http.writeKeys = [
                WriteKey(name: "website", key: HTTPTestDaemon.publicKey, kind: .public, allowedOrigins: sites.map(\.origin)),
            ]
        }) { daemon in
            try await body((daemon, origin))
        }
    }
}

extension PageServer {
    var origin: String { "http://127.0.0.1:\(port)" }
}
