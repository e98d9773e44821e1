@testable import EventdDaemon
import EventdCore
import Foundation
import Testing
@testable import EventdTesting

/// PostHog's own Python SDK (`posthog`, pinned in deploy/dev/sdk-requirements.txt) pointed at eventd:
/// only the host changes, and the rows land with PostHog's type, name, ids, times and properties.
@Suite(.serialized)
struct PostHogSDKTests {
    /// A recent instant (inside the accepted window) as ISO-8601 and as µs.
    static func recent(secondsAgo: Int64 = 300) -> (iso: String, micros: Int64) {
        let micros = (Timestamp.now() / 1_000_000 - secondsAgo) * 1_000_000
        let text = Timestamp.formatted(micros)  // "YYYY-MM-DD HH:MM:SS.ffffff+00"
        return (String(text.prefix(10)) + "T" + String(text.dropFirst(11).prefix(15)) + "+00:00", micros)
    }

    static func script(gzip: Bool, mode: String, timestamp: String) -> String {
        """
        import os, sys
        from posthog import Posthog
        errors = []
        ph = Posthog(os.environ["PUBLIC_KEY"], host=os.environ["EVENTD_URL"], sync_mode=True, gzip=\(gzip ? "True" : "False"),
                     max_retries=0, capture_mode="\(mode)", on_error=lambda e, batch: errors.append(repr(e)),
                     enable_exception_autocapture=False)
        ph.capture("Order Completed", distinct_id="user-1", uuid="0190a5b4-0000-7000-8000-00000000000\(gzip ? 1 : 2)",
                   timestamp="\(timestamp)",
                   properties={"revenue": 12.50, "$current_url": "https://shop.example/checkout?utm_source=news&gclid=G1",
                               "$session_id": "s-1", "$set": {"plan": "pro"}})
        ph.capture("$pageview", distinct_id="device-9", uuid="0190a5b4-0000-7000-8000-00000000001\(gzip ? 1 : 2)",
                   properties={"$device_id": "device-9", "$current_url": "https://shop.example/"})
        ph.set(distinct_id="user-1", properties={"email": "a@example.com"}, uuid="0190a5b4-0000-7000-8000-00000000002\(gzip ? 1 : 2)")
        ph.alias(previous_id="device-9", distinct_id="user-1", uuid="0190a5b4-0000-7000-8000-00000000003\(gzip ? 1 : 2)")
        ph.group_identify("company", "acme", {"employees": 12}, distinct_id="user-1", uuid="0190a5b4-0000-7000-8000-00000000004\(gzip ? 1 : 2)")
        ph.flush()
        ph.shutdown()
        print("errors:", errors)
        """
    }

    @Test(arguments: [(false, "v0"), (true, "v0"), (false, "v1"), (true, "v1")])
    func posthogPythonLandsEveryCallAsItsRow(gzip: Bool, mode: String) async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let sent = Self.recent()
                let run = try VendorSDK.run(Self.script(gzip: gzip, mode: mode, timestamp: sent.iso), port: daemon.port)
                try await daemon.stop()
                #expect(run.status == 0, "\(run.errors)")
                #expect(run.output.contains("errors: []"), "\(run.output) \(run.errors)")

                let n = gzip ? 1 : 2
                let rows = try database.connect().query("""
                    SELECT type::text, name, user_id, anonymous_id, event_id::text, session_id, properties->>'revenue',
                           properties->'$set'->>'plan', page_url, utm_source, click_id, source_key, context->'library'->>'name',
                           (extract(epoch FROM original_timestamp) * 1000000)::bigint::text, properties->>'groupId',
                           properties->>'previousId', transport::text
                    FROM analytics.events ORDER BY event_id
                    """)
                #expect(rows.count == 5)
                guard rows.count == 5 else { return }
                let track = rows[0]
                #expect(track[0] == "track" && track[1] == "Order Completed")
                #expect(track[2] == "user-1" && track[3] == nil)
                #expect(track[4] == "0190a5b4-0000-7000-8000-00000000000\(n)", "the uuid is the event id")
                #expect(track[5] == "s-1")
                #expect(track[6] == "12.5" || track[6] == "12.50")
                #expect(track[7] == "pro", "$set is kept")
                #expect(track[8] == "https://shop.example/checkout?utm_source=news&gclid=G1")
                #expect(track[9] == "news" && track[10] == "G1")
                #expect(track[11] == "website", "the project token is the write key")
                #expect(track[12] == "posthog-python")
                #expect(track[13] == String(sent.micros), "the sender's timestamp is the original timestamp")
                #expect(track[16] == "http")
                let page = rows[1]
                #expect(page[0] == "page" && page[1] == "$pageview")
                #expect(page[2] == nil && page[3] == "device-9", "a distinct id equal to $device_id is anonymous")
                let set = rows[2]
                #expect(set[0] == "track" && set[1] == "$set" && set[2] == "user-1")
                let alias = rows[3]
                #expect(alias[0] == "alias" && alias[2] == "user-1" && alias[15] == "device-9",
                        "PostHog's alias: distinct_id is the earlier id, properties.alias the new one")
                let group = rows[4]
                #expect(group[0] == "group" && group[14] == "acme")
            }
        }
    }

    @Test func captureV1DropsARefusedEventByUUIDAndStoresTheRest() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let run = try VendorSDK.run("""
                    import os
                    from posthog import Posthog
                    errors = []
                    # The background consumer (not sync_mode) is what reports a server's answer to on_error.
                    ph = Posthog(os.environ["PUBLIC_KEY"], host=os.environ["EVENTD_URL"], max_retries=0,
                                 capture_mode="v1", on_error=lambda e, batch: errors.append(e))
                    ph.capture("ok", distinct_id="u", uuid="0190a5b4-0000-7000-8000-0000000000a1")
                    ph.capture("x" * 300, distinct_id="u", uuid="0190a5b4-0000-7000-8000-0000000000a2")
                    ph.flush(); ph.shutdown()
                    for e in errors:
                        print("status", getattr(e, "status", None), "drops", getattr(e, "drops", None))
                    """, port: daemon.port)
                try await daemon.stop()
                #expect(run.status == 0, "\(run.errors)")
                #expect(run.output.contains("drops [('0190a5b4-0000-7000-8000-0000000000a2', 'name_too_long"), "\(run.output) \(run.errors)")
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'ok'") == 1)
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events WHERE reason = 'name_too_long'") == 1)
            }
        }
    }

    @Test func aTokenThatIsNotAWriteKeyIsRefusedWithoutRetry() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let run = try VendorSDK.run("""
                    import os
                    from posthog import Posthog
                    errors = []
                    ph = Posthog("phc_not_a_key", host=os.environ["EVENTD_URL"], max_retries=0,
                                 on_error=lambda e, batch: errors.append(e))
                    ph.capture("x", distinct_id="u")
                    ph.flush(); ph.shutdown()
                    print("statuses", [getattr(e, "status", None) for e in errors])
                    """, port: daemon.port)
                try await daemon.stop()
                #expect(run.output.contains("statuses [401]"), "\(run.output) \(run.errors)")
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 0)
            }
        }
    }
}
