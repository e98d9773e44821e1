@testable import EventdDaemon
import Testing
@testable import EventdTesting

/// Issue #14, finding 7: secret write keys stay out of URLs and out of the dead-letter table.
@Suite(.serialized)
struct HTTPWriteKeySecrecyTests {
    static let json = ("Content-Type", "application/json")
    static let event = #"{"type":"track","event":"Beacon","anonymousId":"a-1"}"#

    @Test func secretKeyInTheURLIsRefusedPublicKeyIsNot() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let secret = try client.request("POST", "/v1/track?writeKey=\(HTTPTestDaemon.secretKey)", headers: [Self.json], body: Self.event)
                #expect(secret.status == 401)
                #expect(secret.errors.first?["reason"] as? String == "invalid_write_key")
                #expect((secret.errors.first?["detail"] as? String)?.contains("may not be sent in the URL") == true)
                let publicKey = try client.request("POST", "/v1/track?writeKey=\(HTTPTestDaemon.publicKey)", headers: [Self.json], body: Self.event)
                #expect(publicKey.status == 200, "public keys are public: beacons may put them in the URL")
                let header = try client.request("POST", "/v1/track?writeKey=\(HTTPTestDaemon.secretKey)",
                                                headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json], body: Self.event)
                #expect(header.status == 200, "a key in the header is the credential; the URL copy is not")
                try await daemon.stop()
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 2)
            }
        }
    }

    @Test func refusedBodyIsStoredWithoutItsWriteKey() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let response = try client.request("POST", "/v1/batch", headers: [Self.json],
                                                  body: #"{"writeKey":"\#(HTTPTestDaemon.secretKey)","batch":[{"type":"track" oops"#)
                #expect(response.status == 400)
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.rejected_events", toReach: 1) == 1)
                try await daemon.stop()
                #expect(try database.scalar("""
                    SELECT count(*) FROM analytics.rejected_events
                    WHERE strpos(convert_from(raw, 'UTF8'), '\(HTTPTestDaemon.secretKey)') > 0
                    """) == 0, "the key is not in the stored bytes")
                #expect(try database.scalar("""
                    SELECT count(*) FROM analytics.rejected_events WHERE convert_from(raw, 'UTF8') LIKE '{"writeKey":"***%'
                    """) == 1, "masked in place, the rest kept")
            }
        }
    }
}
