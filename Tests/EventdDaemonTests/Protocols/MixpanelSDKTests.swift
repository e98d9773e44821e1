@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// Mixpanel's own Python library (`mixpanel`, pinned in deploy/dev/sdk-requirements.txt) pointed at
/// eventd: `Consumer` and `BufferedConsumer` on `/track` and `/engage`, and `/import` with the API secret.
@Suite(.serialized)
struct MixpanelSDKTests {
    static let prelude = """
        import os, time
        from mixpanel import Mixpanel, Consumer, BufferedConsumer, MixpanelException
        base = os.environ["EVENTD_URL"]
        urls = dict(events_url=base + "/track", people_url=base + "/engage", import_url=base + "/import")
        """

    @Test func consumerAndBufferedConsumerLandTrackAndEngage() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let run = try VendorSDK.run(Self.prelude + """

                    mp = Mixpanel(os.environ["PUBLIC_KEY"], consumer=Consumer(**urls))
                    mp.track("user-1", "Signed Up", {"plan": "pro", "$insert_id": "ins-1",
                                                     "$current_url": "https://app.example/signup?utm_source=ads"})
                    mp.track("$device:abc", "Viewed", {"$device_id": "abc", "$insert_id": "ins-2"})
                    mp.people_set("user-1", {"$email": "a@example.com"})
                    buffered = BufferedConsumer(max_size=50, **urls)
                    mpb = Mixpanel(os.environ["PUBLIC_KEY"], consumer=buffered)
                    for i in range(3):
                        mpb.track("user-2", "Buffered", {"i": i, "$insert_id": "buf-%d" % i})
                    buffered.flush()
                    print("done")
                    """, port: daemon.port)
                try await daemon.stop()
                #expect(run.status == 0 && run.output.contains("done"), "\(run.output) \(run.errors)")

                let rows = try database.connect().query("""
                    SELECT type::text, name, user_id, anonymous_id, message_id, properties->>'plan', page_url, utm_source,
                           source_key, context->'library'->>'name', properties ? 'token', properties->'$set'->>'$email',
                           abs(extract(epoch FROM (original_timestamp - received_at))) < 60
                    FROM analytics.events ORDER BY name, message_id
                    """)
                #expect(rows.count == 6)
                guard rows.count == 6 else { return }
                // Buffered ×3, Signed Up, Viewed, identify
                #expect(rows[0][1] == "Buffered" && rows[0][2] == "user-2" && rows[0][4] == "buf-0")
                let signup = rows[3]
                #expect(signup[0] == "track" && signup[1] == "Signed Up" && signup[2] == "user-1" && signup[4] == "ins-1")
                #expect(signup[5] == "pro" && signup[6] == "https://app.example/signup?utm_source=ads" && signup[7] == "ads")
                #expect(signup[8] == "website", "properties.token is the write key")
                #expect(signup[9] == "python")
                #expect(signup[10] == "f", "the token is not stored among the properties")
                #expect(signup[12] == "t", "properties.time (epoch seconds) is the original timestamp")
                let viewed = rows[4]
                #expect(viewed[2] == nil && viewed[3] == "abc", "a $device: distinct id is anonymous")
                let identify = rows[5]
                #expect(identify[0] == "identify" && identify[2] == "user-1" && identify[11] == "a@example.com")
            }
        }
    }

    @Test func importWithTheAPISecretStoresTheGoodRecordsAndNamesTheBadOnes() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let run = try VendorSDK.run(Self.prelude + """

                    mp = Mixpanel(os.environ["PUBLIC_KEY"], consumer=Consumer(**urls))
                    ts = int(time.time()) - 86400
                    mp.import_data(None, "user-3", "Imported", ts, {"$insert_id": "imp-1"}, api_secret=os.environ["SECRET_KEY"])
                    try:
                        mp.import_data(None, "user-3", "x" * 300, ts, {"$insert_id": "imp-2"}, api_secret=os.environ["SECRET_KEY"])
                    except MixpanelException as e:
                        print("refused:", e)
                    try:
                        mp.import_data(None, "user-3", "Imported", ts, {}, api_secret="not-a-key")
                    except MixpanelException as e:
                        print("unknown key:", e)
                    """, port: daemon.port)
                try await daemon.stop()
                #expect(run.output.contains("refused: Mixpanel error: some data points in the request failed validation"),
                        "\(run.output) \(run.errors)")
                #expect(run.output.contains("unknown key: Mixpanel error: The write key is not known."), "\(run.output)")
                let rows = try database.connect().query("""
                    SELECT name, user_id, source_key, abs(extract(epoch FROM original_timestamp) - \(Int(Date().timeIntervalSince1970) - 86400)) < 300
                    FROM analytics.events
                    """)
                #expect(rows.count == 1)
                #expect(rows.first?[0] == "Imported" && rows.first?[1] == "user-3")
                #expect(rows.first?[2] == "backend", "the HTTP Basic user (the API secret) is the write key")
                #expect(rows.first?[3] == "t")
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events WHERE reason = 'name_too_long'") == 1)
            }
        }
    }
}
