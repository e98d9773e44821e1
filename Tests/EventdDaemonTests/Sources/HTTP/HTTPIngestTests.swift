@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// The HTTP collector end to end over loopback against a real PostgreSQL: each test asserts what
/// the client was told and what landed in analytics.events / analytics.rejected_events.
@Suite(.serialized)
struct HTTPIngestTests {
    static let json = ("Content-Type", "application/json")

    @Test func segmentBatchIsAnsweredOnlyAfterItsEventsAreCommitted() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let response = try client.request("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json,
                                                                                  ("User-Agent", "analytics-node/1.0")], body: """
                    {"batch":[
                      {"type":"track","event":"Order Completed","userId":"u-1","messageId":"m-1","timestamp":"2026-11-25T10:00:00Z","properties":{"revenue":12.5}},
                      {"type":"identify","userId":"u-1","messageId":"m-2","traits":{"plan":"pro"}}
                    ],"sentAt":"2026-11-25T10:00:01Z","context":{"library":{"name":"analytics-node"}}}
                    """)
                #expect(response.status == 200)
                #expect(response.text == #"{"success":true}"#)
                // The 200 came after the commit: the rows are there now, without waiting.
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE transport = 'http'") == 2)
                let rows = try database.connect().query("""
                    SELECT type::text, name, user_id, message_id, source_key, user_agent, properties->>'revenue', host(source_ip)
                    FROM analytics.events ORDER BY message_id
                    """)
                #expect(rows[0][0] == "track" && rows[0][1] == "Order Completed" && rows[0][2] == "u-1" && rows[0][3] == "m-1")
                #expect(rows[0][4] == "backend", "source_key is the key's name, never the key")
                #expect(rows[0][5] == "analytics-node/1.0", "the request's User-Agent fills in for the event's")
                #expect(rows[0][6] == "12.5")
                #expect(rows[0][7] == "127.0.0.0", "the client address is anonymised by default")
                #expect(rows[1][0] == "identify" && rows[1][3] == "m-2")
            }
        }
    }

    @Test func gzipAndDeflateBodiesLand() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                for encoding in ["gzip", "deflate"] {
                    let body = Array(#"{"batch":[{"type":"track","event":"Zipped","userId":"u-\#(encoding)"}]}"#.utf8)
                    let response = try client.request("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json,
                                                                                      ("Content-Encoding", encoding)],
                                                      bytes: try compress(body, format: encoding))
                    #expect(response.status == 200, "\(encoding): \(response.text)")
                }
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'Zipped'") == 2)
            }
        }
    }

    @Test func everySingleMessageRouteImpliesItsTypeAndAcceptsEveryKeyPlacement() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let routes: [(String, String)] = [
                    ("/v1/track", #"{"event":"Clicked","userId":"u"}"#), ("/v1/page", #"{"name":"Home","anonymousId":"a"}"#),
                    ("/v1/screen", #"{"name":"Main","userId":"u"}"#), ("/v1/identify", #"{"userId":"u","traits":{"x":1}}"#),
                    ("/v1/group", #"{"userId":"u","groupId":"g-1"}"#), ("/v1/alias", #"{"userId":"u","previousId":"old"}"#),
                ]
                for (path, body) in routes {
                    let response = try client.request("POST", path, headers: [("X-Write-Key", HTTPTestDaemon.secretKey), Self.json], body: body)
                    #expect(response.status == 200, "\(path): \(response.text)")
                }
                // analytics.js: writeKey in a text/plain body, on the one-letter path.
                let js = try client.request("POST", "/v1/t", headers: [("Content-Type", "text/plain")],
                                            body: #"{"event":"From JS","anonymousId":"a","writeKey":"\#(HTTPTestDaemon.publicKey)"}"#)
                #expect(js.status == 200, "\(js.text)")
                // A type in the body wins over the route's.
                let explicit = try client.request("POST", "/v1/track", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json],
                                                  body: #"{"type":"page","name":"Pricing","userId":"u"}"#)
                #expect(explicit.status == 200)
                let types = try database.connect().query("SELECT type::text, count(*) FROM analytics.events GROUP BY 1 ORDER BY 1")
                #expect(types.map { "\($0[0] ?? "")=\($0[1] ?? "")" } == ["alias=1", "group=1", "identify=1", "page=2", "screen=1", "track=2"])
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'From JS' AND source_key = 'website'") == 1)
            }
        }
    }

    @Test func partlyBadBatchLandsTheGoodEventsAndNamesTheRefusedOnes() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let mixed = try client.request("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json], body: """
                    {"batch":[{"type":"page_view","name":"native","session_id":"s-1"},
                              {"type":"no_such_type","name":"b","messageId":"bad-1"},
                              {"type":"track","event":"ok","userId":"u"}]}
                    """)
                #expect(mixed.status == 200)
                #expect(mixed.json?["success"] as? Bool == true)
                #expect(mixed.json?["accepted"] as? Int == 2)
                #expect(mixed.json?["rejected"] as? Int == 1)
                #expect(mixed.errors.first?["index"] as? Int == 1)
                #expect(mixed.errors.first?["messageId"] as? String == "bad-1")
                #expect(mixed.errors.first?["reason"] as? String == "invalid_event_type")
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 2)

                let allBad = try client.request("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json],
                                                body: #"{"batch":[{"type":"track","event":"no identity","messageId":"bad-2"}]}"#)
                #expect(allBad.status == 400)
                #expect(allBad.json?["success"] as? Bool == false)
                #expect(allBad.errors.first?["reason"] as? String == "missing_identity")
                let malformed = try client.request("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json],
                                                   body: "{not json")
                #expect(malformed.status == 400)
                #expect(malformed.errors.first?["reason"] as? String == "malformed_json")
                #expect(try await database.waitForCount(
                    "SELECT count(*) FROM analytics.rejected_events WHERE transport = 'http' AND source_key = 'backend'", toReach: 3) == 3)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 2)
            }
        }
    }

    @Test func unknownOrMissingWriteKeyIsRefusedWith401() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let body = #"{"type":"track","event":"x","userId":"u"}"#
                let wrong = try daemon.client().request("POST", "/v1/batch", headers: [basicAuth("sk_wrong_0123456789abcdef"), Self.json], body: body)
                #expect(wrong.status == 401)
                #expect(wrong.errors.first?["reason"] as? String == "invalid_write_key")
                let wrongInBody = try daemon.client().request("POST", "/v1/track", headers: [Self.json],
                                                              body: #"{"event":"x","userId":"u","writeKey":"pk_nope_0123456789abcdef"}"#)
                #expect(wrongInBody.status == 401)
                let missing = try daemon.client().request("POST", "/v1/batch", headers: [Self.json], body: body)
                #expect(missing.status == 401)
                #expect(missing.errors.first?["reason"] as? String == "missing_write_key")
                try await Task.sleep(for: .milliseconds(200))
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 0)
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events") == 0)
            }
        }
    }

    @Test func forwardedHeadersAreBelievedOnlyFromTrustedProxies() async throws {
        try await withTestDatabase { database in
            // Untrusted: the header is ignored, the socket peer is the client.
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { untrusted in
                _ = try untrusted.client().request("POST", "/v1/track", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json,
                                                                                   ("X-Forwarded-For", "203.0.113.7")],
                                                   body: #"{"event":"untrusted","userId":"u"}"#)
                try await untrusted.stop()

                try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url) { config in
                    config.sources.http.trustedProxies = ["127.0.0.1/32", "198.51.100.0/24"]
                }) { trusted in
                    // The right-most untrusted entry is the client; entries added by our own proxies are skipped.
                    _ = try trusted.client().request("POST", "/v1/track", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json,
                                                                                     ("X-Forwarded-For", "192.0.2.1, 203.0.113.9, 198.51.100.23"),
                                                                                     ("CF-IPCountry", "de")],
                                                     body: #"{"event":"xff","userId":"u"}"#)
                    _ = try trusted.client().request("POST", "/v1/track", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json,
                                                                                     ("Forwarded", #"for="[2001:db8:cafe::17]:4711";proto=https"#)],
                                                     body: #"{"event":"forwarded","userId":"u"}"#)
                    try await trusted.stop()

                    let rows = try database.connect().query("SELECT name, host(source_ip), country FROM analytics.events ORDER BY name")
                    let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0[0] ?? "", ($0[1], $0[2])) })
                    #expect(byName["untrusted"]?.0 == "127.0.0.0")
                    #expect(byName["untrusted"]?.1 == nil)
                    #expect(byName["xff"]?.0 == "203.0.113.0", "anonymised /24 of the forwarded client")
                    #expect(byName["xff"]?.1 == "DE", "a trusted proxy's country header is used")
                    #expect(byName["forwarded"]?.0 == "2001:db8:cafe::", "anonymised /48 of the RFC 7239 client")
                }
            }
        }
    }

    @Test func pixelAnswersAGIFAndItsEventLands() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let data = Data(#"{"anonymousId":"px-1","event":"Email Opened","properties":{"campaign":"nov"}}"#.utf8)
                    .base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                let response = try daemon.client().request("GET", "/v1/pixel/track?writeKey=\(HTTPTestDaemon.publicKey)&data=\(data)",
                                                           bytes: nil)
                #expect(response.status == 200)
                #expect(response.header("Content-Type") == "image/gif")
                #expect(response.body == TransparentGIF.bytes)
                #expect(Array(response.body.prefix(6)) == Array("GIF89a".utf8))
                #expect(try await database.waitForCount(
                    "SELECT count(*) FROM analytics.events WHERE type = 'track' AND name = 'Email Opened' AND anonymous_id = 'px-1'",
                    toReach: 1) == 1)
                let bad = try daemon.client().request("GET", "/v1/pixel/track?writeKey=\(HTTPTestDaemon.publicKey)", bytes: nil)
                #expect(bad.status == 400)
                let unknownType = try daemon.client().request("GET", "/v1/pixel/evil%22type?data=e30", bytes: nil)
                #expect(unknownType.status == 404)
            }
        }
    }

    @Test func preflightsAndOriginsFollowEachPublicKeysAllowList() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let preflight = try daemon.client().request("OPTIONS", "/v1/batch", headers: [
                    ("Origin", HTTPTestDaemon.allowedOrigin), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "content-type"),
                ], bytes: nil)
                #expect(preflight.status == 204)
                #expect(preflight.header("Access-Control-Allow-Origin") == HTTPTestDaemon.allowedOrigin)
                #expect(preflight.header("Access-Control-Allow-Credentials") == "true")
                #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
                #expect(preflight.header("Access-Control-Allow-Headers")?.lowercased().contains("content-type") == true)
                #expect(preflight.header("Vary") == "Origin")
                for path in ["/v1/track", "/v1/page", "/v1/screen", "/v1/identify", "/v1/group", "/v1/alias", "/v1/beacon", "/v1/pixel/page"] {
                    let each = try daemon.client().request("OPTIONS", path, headers: [("Origin", HTTPTestDaemon.allowedOrigin)], bytes: nil)
                    #expect(each.status == 204, "\(path)")
                }
                let foreign = try daemon.client().request("OPTIONS", "/v1/batch", headers: [
                    ("Origin", "http://evil.example"), ("Access-Control-Request-Method", "POST"),
                ], bytes: nil)
                #expect(foreign.status == 403)
                #expect(foreign.header("Access-Control-Allow-Origin") == nil)

                let allowed = try daemon.client().request("POST", "/v1/beacon", headers: [("Origin", HTTPTestDaemon.allowedOrigin), Self.json],
                                                          body: #"{"type":"track","event":"allowed","anonymousId":"a","writeKey":"\#(HTTPTestDaemon.publicKey)"}"#)
                #expect(allowed.status == 204)
                #expect(allowed.header("Access-Control-Allow-Origin") == HTTPTestDaemon.allowedOrigin)
                let refused = try daemon.client().request("POST", "/v1/beacon", headers: [("Origin", "http://evil.example"), Self.json],
                                                          body: #"{"type":"track","event":"refused","anonymousId":"a","writeKey":"\#(HTTPTestDaemon.publicKey)"}"#)
                #expect(refused.status == 403)
                #expect(refused.errors.first?["reason"] as? String == "origin_not_allowed")
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.events WHERE name = 'allowed'", toReach: 1) == 1)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'refused'") == 0)
            }
        }
    }

    @Test func beaconsInEveryBrowserBodyFormatGet204AndLand() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let key = HTTPTestDaemon.publicKey
                func event(_ name: String) -> String { #"{"type":"track","event":"\#(name)","anonymousId":"b","writeKey":"\#(key)"}"# }
                let client = try daemon.client()
                let plain = try client.request("POST", "/v1/beacon", headers: [("Content-Type", "text/plain;charset=UTF-8")], body: event("plain"))
                let json = try client.request("POST", "/v1/beacon", headers: [Self.json], body: event("json"))
                let none = try client.request("POST", "/v1/beacon", body: event("none"))
                let formBody = "writeKey=\(key)&data=" + (event("form").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                let form = try client.request("POST", "/v1/beacon", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: formBody)
                let flagged = try client.request("POST", "/v1/batch?beacon=1&writeKey=\(key)", headers: [Self.json],
                                                 body: #"{"batch":[{"type":"track","event":"flagged","anonymousId":"b"}]}"#)
                #expect([plain, json, none, form, flagged].map(\.status) == [204, 204, 204, 204, 204])
                #expect(plain.body.isEmpty)
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.events WHERE anonymous_id = 'b'", toReach: 5) == 5)
                let unsupported = try client.request("POST", "/v1/beacon", headers: [("Content-Type", "application/xml")], body: "<x/>")
                #expect(unsupported.status == 415)
            }
        }
    }

    @Test func browserTrafficIsEnrichedAndBotsAreFlaggedOrDropped() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url) { config in
                config.sources.http.dropBots = true
            }) { daemon in
                let chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
                let page = #"{"url":"https://shop.example/pricing?utm_source=news&utm_medium=email&utm_campaign=nov&gclid=abc123","referrer":"https://google.com/"}"#
                let human = try daemon.client().request("POST", "/v1/page", headers: [("User-Agent", chrome), ("Content-Type", "text/plain")],
                                                        body: #"{"name":"Pricing","anonymousId":"h","writeKey":"\#(HTTPTestDaemon.publicKey)","context":{"page":\#(page)}}"#)
                #expect(human.status == 200)
                let bot = try daemon.client().request("POST", "/v1/page", headers: [("User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)"), Self.json],
                                                      body: #"{"name":"Crawled","anonymousId":"bot","writeKey":"\#(HTTPTestDaemon.publicKey)"}"#)
                #expect(bot.status == 200, "a dropped bot is still told success, so it does not retry")
                let relayed = try daemon.client().request("POST", "/v1/page", headers: [("User-Agent", "curl/8.0"), basicAuth(HTTPTestDaemon.secretKey), Self.json],
                                                          body: #"{"name":"Relayed","anonymousId":"srv"}"#)
                #expect(relayed.status == 200)
                let rows = try database.connect().query("""
                    SELECT name, browser, os, device_type, is_bot, page_path, utm_source, utm_medium, utm_campaign, click_id, referrer
                    FROM analytics.events ORDER BY name
                    """)
                #expect(rows.map { $0[0] ?? "" } == ["Pricing", "Relayed"], "the bot's page view was dropped; a secret key's was kept")
                #expect((1...10).map { rows[0][$0] } == ["Chrome", "macOS", "desktop", "f", "/pricing", "news", "email", "nov", "abc123", "https://google.com/"])
                #expect(rows[1][4] == "t", "a secret key's bot-like user agent is flagged, not dropped")
                #expect(daemon.metrics.counters.contains { $0.label == "eventd_events_dropped_total" && $0.dimensions.contains { $0 == ("cause", "bot") } && $0.totalValue == 1 })
            }
        }
    }

    @Test func routingErrorsKeepAliveAndPipelining() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                #expect(try client.request("GET", "/nope", bytes: nil).status == 404)
                let wrongMethod = try client.request("GET", "/v1/batch", bytes: nil)
                #expect(wrongMethod.status == 405)
                #expect(wrongMethod.header("Allow") == "POST, OPTIONS")
                // Two requests in one write: answered in order on the same connection.
                let auth = basicAuth(HTTPTestDaemon.secretKey)
                var pipelined: [UInt8] = []
                for name in ["first", "second"] {
                    let body = #"{"event":"\#(name)","userId":"u"}"#
                    pipelined += Array("POST /v1/track HTTP/1.1\r\nHost: x\r\n\(auth.0): \(auth.1)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
                }
                // The second carries a body larger than max_header_bytes, parsed ahead while the first is answered.
                let padding = String(repeating: "p", count: 24 * 1024)
                let big = #"{"event":"second","userId":"u","properties":{"p":"\#(padding)"}}"#
                pipelined += Array("POST /v1/track HTTP/1.1\r\nHost: x\r\n\(auth.0): \(auth.1)\r\nContent-Type: application/json\r\nContent-Length: \(big.utf8.count)\r\n\r\n\(big)".utf8)
                client.sendRaw(pipelined)
                #expect(client.readResponse()?.status == 200)
                #expect(client.readResponse()?.status == 200)
                #expect(client.readResponse()?.status == 200)
                // Expect: 100-continue is honoured.
                let continued = try client.request("POST", "/v1/track", headers: [auth, Self.json, ("Expect", "100-continue")],
                                                   body: #"{"event":"third","userId":"u"}"#)
                #expect(continued.status == 200)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE user_id = 'u'") == 4)
            }
        }
    }
}
