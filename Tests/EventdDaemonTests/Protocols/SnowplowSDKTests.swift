@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// Snowplow's own Python tracker (`snowplow-tracker`, pinned in deploy/dev/sdk-requirements.txt)
/// pointed at eventd, with its POST (tp2) and GET (/i) emitters; and the protocol's wire vectors.
@Suite(.serialized)
struct SnowplowSDKTests {
    static func script(method: String) -> String {
        """
        import os, requests
        from snowplow_tracker import Tracker, Emitter, Subject, SelfDescribingJson
        from snowplow_tracker.events import PageView, StructuredEvent, SelfDescribing
        session = requests.Session()
        session.headers["X-Write-Key"] = os.environ["SECRET_KEY"]
        failures = []
        emitter = Emitter(os.environ["EVENTD_URL"], protocol="http", method="\(method)", batch_size=10,
                          session=session, on_failure=lambda n, failed: failures.append(len(failed)))
        subject = Subject().set_user_id("user-1").set_domain_user_id("duid-1").set_domain_session_id("sess-1").set_lang("en-GB")
        tracker = Tracker(namespace="ns", emitters=emitter, subject=subject, app_id="shop")
        ctx = [SelfDescribingJson("iglu:com.acme/user/jsonschema/1-0-0", {"tier": "gold"})]
        tracker.track(PageView(page_url="https://shop.example/p?utm_source=mail", page_title="Product", referrer="https://ref.example/", context=ctx))
        tracker.track(StructuredEvent(category="shop", action="add-to-basket", label="sku-1", value=2))
        tracker.track(SelfDescribing(SelfDescribingJson("iglu:com.acme/button_click/jsonschema/1-0-0", {"id": "buy", "n": 3})))
        tracker.flush()
        print("failures:", failures)
        """
    }

    @Test(arguments: ["post", "get"])
    func snowplowPythonTrackerLandsPageViewsStructuredAndSelfDescribingEvents(method: String) async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let run = try VendorSDK.run(Self.script(method: method), port: daemon.port)
                try await daemon.stop()
                #expect(run.status == 0 && run.output.contains("failures: []"), "\(run.output) \(run.errors)")
                let rows = try database.connect().query("""
                    SELECT type::text, name, user_id, anonymous_id, session_id, page_url, utm_source, referrer, source_key,
                           properties::text, context->'contexts'->0->'data'->>'tier', context->>'schema', context->'app'->>'id',
                           event_id IS NOT NULL AND message_id = event_id::text, sent_at IS NOT NULL, context->>'locale'
                    FROM analytics.events ORDER BY type, name
                    """)
                #expect(rows.count == 3)
                guard rows.count == 3 else { return }
                let page = rows[0]
                #expect(page[0] == "page" && page[1] == "Product" && page[2] == "user-1" && page[3] == "duid-1" && page[4] == "sess-1")
                #expect(page[5] == "https://shop.example/p?utm_source=mail" && page[6] == "mail" && page[7] == "https://ref.example/")
                #expect(page[8] == "backend")
                #expect(page[10] == "gold", "co/cx contexts land in context.contexts")
                #expect(page[12] == "shop" && page[13] == "t", "eid is the event id")
                #expect(page[14] == "t", "stm is the sent-at")
                #expect(page[15] == "en-GB")
                let added = rows[1]
                #expect(added[0] == "track" && added[1] == "add-to-basket")
                #expect(added[9]?.contains(#""category": "shop""#) == true && added[9]?.contains(#""value": 2"#) == true, "\(added[9] ?? "")")
                let click = rows[2]
                #expect(click[1] == "button_click" && click[11] == "iglu:com.acme/button_click/jsonschema/1-0-0")
                #expect(click[9] == #"{"n": 3, "id": "buy"}"#, "\(click[9] ?? "")")
            }
        }
    }

    @Test func tp2VectorWithUePxAndCxAndThePixelBytes() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                func b64url(_ s: String) -> String {
                    Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                        .replacingOccurrences(of: "=", with: "")
                }
                let now = Int(Date().timeIntervalSince1970 * 1000)
                let ue = #"{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/video_play/jsonschema/1-0-0","data":{"video":"intro","t":1.5}}}"#
                let cx = #"{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/env/jsonschema/1-0-0","data":{"stage":"prod"}}]}"#
                let body = """
                    {"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[
                     {"e":"ue","eid":"5c1d9f3a-2b4e-4c6d-8e7f-901234567890","p":"web","tv":"js-3.24.0","aid":"site","duid":"d-7",
                      "dtm":"\(now - 2000)","stm":"\(now)","ue_px":"\(b64url(ue))","cx":"\(b64url(cx))","url":"https://v.example/watch?gclid=C1"},
                     {"e":"pv","eid":"not-a-uuid","dtm":"\(now)"}]}
                    """
                let r = try client.request("POST", "/com.snowplowanalytics.snowplow/tp2?writeKey=\(HTTPTestDaemon.publicKey)",
                                           headers: [("Content-Type", "application/json; charset=UTF-8")], body: body)
                #expect(r.status == 200 && r.text == "ok", "\(r.text)")
                let pixel = try client.request("GET", "/i?e=pv&page=Home&duid=d-8&url=https%3A%2F%2Fv.example%2F&writeKey=\(HTTPTestDaemon.publicKey)", bytes: nil)
                #expect(pixel.status == 200 && pixel.body == TransparentGIF.bytes && pixel.body.count == 43)
                #expect(pixel.header("Content-Type") == "image/gif" && pixel.header("Cache-Control")?.contains("no-cache") == true)
                let ice = try client.request("GET", "/ice.png?e=se&se_ac=clicked&duid=d-9&writeKey=\(HTTPTestDaemon.publicKey)", bytes: nil)
                #expect(ice.status == 200 && ice.body.count == 43)
                let bad = try client.request("POST", "/com.snowplowanalytics.snowplow/tp2", headers: [("X-Write-Key", HTTPTestDaemon.secretKey)],
                                             body: #"{"schema":"x","data":"not an array"}"#)
                #expect(bad.status == 400, "\(bad.text)")
                try await daemon.stop()
                let rows = try database.connect().query("""
                    SELECT name, properties->>'video', context->'contexts'->0->'data'->>'stage', click_id, anonymous_id, message_id
                    FROM analytics.events ORDER BY name
                    """)
                #expect(rows.map { $0[0] ?? "" } == ["Home", "clicked", "video_play"], "\(rows.map { $0[0] ?? "" })")
                let video = rows.last
                #expect(video?[1] == "intro" && video?[2] == "prod" && video?[3] == "C1" && video?[4] == "d-7")
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events WHERE reason = 'missing_identity'") == 1,
                        "the pv without uid/duid is refused, its neighbour lands")
            }
        }
    }
}
