@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// Refusals of a whole request are told in the path's vendor's own shape and status (a secret key
/// in the URL is the case every protocol shares); PostHog's `PostHog-Request-Id` is echoed and makes
/// uuid-less events of a resent batch land once; Mixpanel's `/groups` is stored like `/engage`.
@Suite(.serialized)
struct VendorRefusalShapeTests {
    static let secret = HTTPTestDaemon.secretKey
    static let json = ("Content-Type", "application/json")

    @Test func aSecretKeyInTheURLIsRefusedInEachVendorsShape() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let q = "writeKey=\(Self.secret)"
                func send(_ path: String, _ body: String) throws -> HTTPTestClient.Response {
                    try client.request("POST", "\(path)?\(q)", headers: [Self.json], body: body)
                }
                let segment = try send("/v1/track", #"{"event":"e","userId":"u"}"#)
                #expect(segment.status == 401 && segment.json?["success"] as? Bool == false, "\(segment.text)")
                let posthog = try send("/batch/", #"{"batch":[{"event":"e","distinct_id":"u"}]}"#)
                #expect(posthog.status == 401 && posthog.json?["type"] as? String == "authentication_error"
                        && posthog.json?["code"] as? String == "invalid_write_key", "\(posthog.text)")
                // `/track` is PostHog's path too, and nothing of the body is read yet: Mixpanel's own paths answer in its shape.
                let mixpanel = try send("/import/", #"[{"event":"e","properties":{"distinct_id":"u"}}]"#)
                #expect(mixpanel.status == 401 && mixpanel.json?["status"] as? Int == 0 && mixpanel.json?["error"] is String, "\(mixpanel.text)")
                let snowplow = try send("/com.snowplowanalytics.snowplow/tp2", #"{"schema":"s","data":[{"e":"pv","duid":"d"}]}"#)
                #expect(snowplow.status == 401 && snowplow.json?["status"] as? String == "refused", "\(snowplow.text)")
                let plausible = try send("/api/event", #"{"name":"pageview","url":"https://a.example/","domain":"a.example"}"#)
                #expect(plausible.status == 401 && (plausible.json?["errors"] as? [String: Any])?["request"] is String, "\(plausible.text)")
                let umami = try send("/api/send", #"{"type":"event","payload":{"website":"w","url":"/"}}"#)
                #expect(umami.status == 401 && umami.json?["error"] is String, "\(umami.text)")
                for r in [segment, posthog, mixpanel, snowplow, plausible, umami] {
                    #expect(r.text.contains("may not be sent in the URL"), "\(r.text)")
                }
                try await daemon.stop()
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 0)
            }
        }
    }

    @Test func postHogRequestIDIsEchoedAndDedupsEventsWithoutUUID() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let body = #"{"created_at":"2026-12-04T10:00:00Z","batch":[{"event":"a","distinct_id":"u","timestamp":"2026-12-04T10:00:00Z"},{"event":"b","distinct_id":"u","timestamp":"2026-12-04T10:00:01Z"}]}"#
                for attempt in 1...2 {
                    let r = try client.request("POST", "/i/v1/analytics/events", headers: [
                        Self.json, ("Authorization", "Bearer \(Self.secret)"), ("PostHog-Sdk-Info", "posthog-python/7.0.0"),
                        ("PostHog-Request-Id", "8d0c3e2a-1f4b-4c1e-9a7d-2b3c4d5e6f70"), ("PostHog-Attempt", String(attempt)),
                    ], body: body)
                    #expect(r.status == 200, "\(r.text)")
                    #expect(r.header("PostHog-Request-Id") == "8d0c3e2a-1f4b-4c1e-9a7d-2b3c4d5e6f70")
                }
                // Another batch (another request id) with the same events is a different send: stored again.
                _ = try client.request("POST", "/i/v1/analytics/events", headers: [
                    Self.json, ("Authorization", "Bearer \(Self.secret)"), ("PostHog-Request-Id", "other"),
                ], body: body)
                // An id that is not an id is ignored, not stored.
                let hostile = try client.request("POST", "/i/v1/analytics/events", headers: [
                    Self.json, ("Authorization", "Bearer \(Self.secret)"), ("PostHog-Request-Id", "a b\"<>"),
                ], body: #"{"batch":[{"event":"c","distinct_id":"u"}]}"#)
                #expect(hostile.status == 200 && hostile.header("PostHog-Request-Id") == nil)
                try await daemon.stop()
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name IN ('a','b')") == 4)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE message_id LIKE 'posthog-request:8d0c3e2a-%'") == 2)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'c' AND message_id IS NULL") == 1)
            }
        }
    }

    @Test func mixpanelGroupsAreStoredAsGroupEvents() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let update = #"[{"$token":"\#(HTTPTestDaemon.publicKey)","$group_key":"company","$group_id":"acme","$set":{"plan":"pro"}}]"#
                let data = Data(update.utf8).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let r = try client.request("POST", "/groups/", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                           body: "data=\(data)&verbose=1")
                #expect(r.status == 200 && r.json?["status"] as? Int == 1, "\(r.text)")
                try await daemon.stop()
                let rows = try database.connect().query("""
                    SELECT type::text, anonymous_id, properties->>'groupId', properties->>'$group_key', properties->'$set'->>'plan', source_key
                    FROM analytics.events
                    """).map(\.values)
                #expect(rows == [["group", "company:acme", "acme", "company", "pro", "website"]], "\(rows)")
            }
        }
    }
}
