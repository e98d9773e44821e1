@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// Plausible's and Umami's trackers have no PyPI client: their requests here are the ones their
/// browser scripts send (plausible `script.js`, umami `script.js`), byte for byte in shape.
@Suite(.serialized)
struct PlausibleUmamiWireTests {
    static let browser = ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
    static let bot = ("User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")

    @Test func plausibleEventsLandAndBotsAreDroppedWithTheHeader() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let key = HTTPTestDaemon.publicKey
                var r = try client.request("POST", "/api/event", headers: [("Content-Type", "text/plain"), Self.browser], body: """
                    {"n":"ignored","name":"pageview","url":"https://blog.example/post?utm_source=hn","domain":"\(key)","referrer":"https://news.example/"}
                    """)
                #expect(r.status == 202 && r.text == "ok" && r.header("x-plausible-dropped") == nil, "\(r.text)")
                r = try client.request("POST", "/api/event", headers: [("Content-Type", "application/json"), Self.browser], body: """
                    {"name":"Signup","url":"https://blog.example/join","domain":"\(key)","props":{"plan":"pro"},"revenue":{"currency":"EUR","amount":"9.5"}}
                    """)
                #expect(r.status == 202, "\(r.text)")
                r = try client.request("POST", "/api/event", headers: [("Content-Type", "text/plain"), Self.bot],
                                       body: #"{"name":"pageview","url":"https://blog.example/","domain":"\#(key)"}"#)
                #expect(r.status == 202 && r.header("x-plausible-dropped") == "1", "a bot is answered 202 and dropped")
                r = try client.request("POST", "/api/event", headers: [("Content-Type", "text/plain"), Self.browser],
                                       body: #"{"name":"pageview","url":"https://blog.example/","domain":"blog.example"}"#)
                #expect(r.status == 401, "a domain that is not a key, and no key in the head: \(r.text)")
                r = try client.request("POST", "/api/event", headers: [("Content-Type", "text/plain"), Self.browser, ("X-Write-Key", key)],
                                       body: "not json")
                #expect(r.status == 400 && r.text.contains("errors"), "\(r.text)")
                try await daemon.stop()
                let rows = try database.connect().query("""
                    SELECT type::text, name, page_url, utm_source, referrer, properties->>'plan', properties->'revenue'->>'amount', source_key, browser
                    FROM analytics.events ORDER BY name
                    """)
                #expect(rows.count == 2)
                #expect(rows.first?[0] == "user_action" && rows.first?[1] == "Signup" && rows.first?[5] == "pro" && rows.first?[6] == "9.5")
                #expect(rows.last?[0] == "page_view" && rows.last?[2] == "https://blog.example/post?utm_source=hn" && rows.last?[3] == "hn")
                #expect(rows.last?[4] == "https://news.example/" && rows.last?[7] == "website" && rows.last?[8] == "Chrome")
            }
        }
    }

    @Test func umamiEventsLandAndBotsGetBeepBoop() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let key = HTTPTestDaemon.publicKey
                func send(_ body: String, _ ua: (String, String) = Self.browser) throws -> HTTPTestClient.Response {
                    try client.request("POST", "/api/send", headers: [("Content-Type", "application/json"), ua], body: body)
                }
                var r = try send(#"{"type":"event","payload":{"website":"\#(key)","hostname":"app.example","screen":"1920x1080","language":"en-US","title":"Home","url":"/?utm_medium=cpc","referrer":"https://ref.example/"}}"#)
                #expect(r.status == 200 && r.json?["ok"] as? Bool == true, "\(r.text)")
                r = try send(#"{"type":"event","payload":{"website":"\#(key)","hostname":"app.example","url":"/pricing","name":"signup-click","data":{"tier":"team"}}}"#)
                #expect(r.status == 200, "\(r.text)")
                r = try send(#"{"type":"identify","payload":{"website":"\#(key)","hostname":"app.example","url":"/","id":"user-42","data":{"email":"x@example.com"}}}"#)
                #expect(r.status == 200, "\(r.text)")
                r = try send(#"{"type":"event","payload":{"website":"\#(key)","hostname":"app.example","url":"/"}}"#, Self.bot)
                #expect(r.status == 200 && r.text == #"{"beep":"boop"}"#, "\(r.text)")
                r = try send(#"{"type":"event"}"#)
                #expect(r.status == 400 && r.json?["error"] != nil, "\(r.text)")
                try await daemon.stop()
                let rows = try database.connect().query("""
                    SELECT type::text, name, page_url, utm_medium, user_id, properties->>'tier', properties->>'title', context->>'locale'
                    FROM analytics.events ORDER BY name
                    """)
                #expect(rows.map { $0[1] ?? "" } == ["identify", "pageview", "signup-click"])
                #expect(rows[0][4] == "user-42")
                #expect(rows[1][0] == "page_view" && rows[1][2] == "https://app.example/?utm_medium=cpc" && rows[1][3] == "cpc")
                #expect(rows[1][6] == "Home" && rows[1][7] == "en-US")
                #expect(rows[2][0] == "user_action" && rows[2][5] == "team")
            }
        }
    }

    @Test func firstPartyPrefixesServeEveryProtocol() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url, settings: {
                var settings = $0
                settings.pathPrefixes = ["/collect"]
                return settings
            })) { daemon in
                let client = try daemon.client()
                let key = HTTPTestDaemon.publicKey
                var r = try client.request("POST", "/collect/posthog/batch/", headers: [("Content-Type", "application/json")],
                                           body: #"{"api_key":"\#(key)","batch":[{"event":"first-party","distinct_id":"d"}]}"#)
                #expect(r.status == 200, "\(r.text)")
                r = try client.request("POST", "/collect/segment/v1/track", headers: [("X-Write-Key", key), ("Content-Type", "application/json")],
                                       body: #"{"event":"first-party-segment","userId":"u"}"#)
                #expect(r.status == 200, "\(r.text)")
                r = try client.request("POST", "/batch/", headers: [("Content-Type", "application/json")],
                                       body: #"{"api_key":"\#(key)","batch":[{"event":"well-known","distinct_id":"d"}]}"#)
                #expect(r.status == 200, "the vendors' own paths stay served: \(r.text)")
                try await daemon.stop()
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 3)
            }
        }
    }
}
