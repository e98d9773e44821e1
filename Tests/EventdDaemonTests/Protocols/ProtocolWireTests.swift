@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// The vendors' wire formats byte by byte, without their SDKs: every body encoding PostHog's and
/// Mixpanel's browser libraries use, their answers, and hostile bodies (bad base64, truncated gzip,
/// an lz-string bomb, a token that is not a write key).
@Suite(.serialized)
struct ProtocolWireTests {
    static let form = ("Content-Type", "application/x-www-form-urlencoded")
    static let text = ("Content-Type", "text/plain")

    static func event(_ name: String, uuid: String) -> String {
        #"{"event":"\#(name)","distinct_id":"d-1","uuid":"\#(uuid)","properties":{"$lib":"web","$current_url":"https://x.example/a"}}"#
    }

    static func base64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    static func percent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }

    /// lz-string's compressToBase64 of `text` (Tests/EventdDaemonTests/Protocols/lzstring.py).
    static func lz64(_ text: String, port: Int) throws -> String {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        let run = try VendorSDK.run("""
            import sys; sys.path.insert(0, "\(dir)")
            from lzstring import compress_to_base64
            sys.stdout.write(compress_to_base64(sys.stdin.read() if False else \(pythonLiteral(text))))
            """, port: port)
        return run.output
    }

    static func pythonLiteral(_ s: String) -> String {
        if s.hasPrefix("BOMB:") { return "'a' * \(s.dropFirst(5))" }
        return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    @Test func posthogEveryBodyEncodingLands() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let key = HTTPTestDaemon.publicKey
                func batch(_ name: String, _ n: Int) -> String {
                    let event = Self.event(name, uuid: "0190a5b4-0000-7000-8000-0000000001\(n)0")
                    return #"{"api_key":"\#(key)","batch":[\#(event)]}"#
                }
                // posthog-js legacy: form data= base64, compression=base64.
                var r = try client.request("POST", "/e/", headers: [Self.form],
                                           body: "data=\(Self.percent(Self.base64(batch("form-base64", 1))))&compression=base64")
                #expect(r.status == 200 && r.text == #"{"status":1}"#, "\(r.text)")
                // gzip named by the query, body as binary text/plain.
                r = try client.request("POST", "/e/?compression=gzip-js&ver=1.0", headers: [Self.text],
                                       bytes: try compress(Array(batch("gzip-js", 2).utf8)))
                #expect(r.status == 200, "\(r.text)")
                // gzip recognised by its magic bytes alone.
                r = try client.request("POST", "/batch/", headers: [Self.text], bytes: try compress(Array(batch("magic", 3).utf8)))
                #expect(r.status == 200, "\(r.text)")
                // lz-string, as posthog-js sends it by default.
                let lz = try Self.lz64(batch("lz64", 4), port: daemon.port)
                r = try client.request("POST", "/e/?compression=lz64", headers: [Self.form], body: "data=\(Self.percent(lz))&compression=lz64")
                #expect(r.status == 200, "\(r.text)")
                // GET ?data= base64, on the v0 path of the newer SDKs; a bare array; a single event with $token.
                r = try client.request("GET", "/i/v0/e/?data=\(Self.percent(Self.base64(batch("get", 5))))", bytes: nil)
                #expect(r.status == 200, "\(r.text)")
                r = try client.request("POST", "/capture/", headers: [("Content-Type", "application/json")],
                                       body: #"[{"event":"array","distinct_id":"d","api_key":"\#(key)"}]"#)
                #expect(r.status == 200, "\(r.text)")
                r = try client.request("POST", "/track/?beacon=1&_=1764860000000", headers: [Self.text],
                                       body: #"{"event":"beacon","$token":"\#(key)","distinct_id":"d","properties":{}}"#)
                #expect(r.status == 204, "?beacon=1 is answered 204: \(r.text)")
                try await daemon.stop()
                let names = try database.connect().query("SELECT name FROM analytics.events ORDER BY name").map { $0[0] ?? "" }
                #expect(names == ["array", "beacon", "form-base64", "get", "gzip-js", "lz64", "magic"])
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE source_key = 'website'") == 7)
            }
        }
    }

    @Test func posthogHostileBodiesAreRefusedAsAWholeWithoutRetry() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url, settings: {
                var settings = $0
                settings.maxBodyBytes = 65_536
                return settings
            })) { daemon in
                let client = try daemon.client()
                let key = HTTPTestDaemon.publicKey
                let good = #"{"api_key":"\#(key)","batch":[\#(Self.event("x", uuid: "0190a5b4-0000-7000-8000-000000000001"))]}"#

                var r = try client.request("POST", "/e/", headers: [Self.form], body: "data=%%%not-base64!!&compression=base64")
                #expect(r.status == 400, "bad base64: \(r.text)")
                #expect(r.json?["type"] as? String == "validation_error")
                let gz = try compress(Array(good.utf8))
                r = try client.request("POST", "/e/?compression=gzip-js", headers: [Self.text], bytes: Array(gz.prefix(gz.count - 12)))
                #expect(r.status == 400 && r.text.contains("truncated"), "truncated gzip: \(r.text)")
                let bomb = try Self.lz64("BOMB:400000", port: daemon.port)
                #expect(bomb.utf8.count < 8_000, "a small body that decompresses to 400 kB")
                r = try client.request("POST", "/e/?compression=lz64", headers: [Self.form], body: "data=\(Self.percent(bomb))")
                #expect(r.status == 413, "lz-string bomb: \(r.text)")
                r = try client.request("POST", "/e/?compression=lz64", headers: [Self.form], body: "data=AAAA%40%40")
                #expect(r.status == 400, "not lz-string: \(r.text)")
                r = try client.request("POST", "/batch/", headers: [Self.text],
                                       body: good.replacingOccurrences(of: key, with: "phc_not_a_write_key"))
                #expect(r.status == 401 && r.json?["type"] as? String == "authentication_error", "\(r.text)")
                r = try client.request("POST", "/batch/", headers: [Self.text], body: #"{"api_key":"\#(key)","batch":[{"event":"no id"}]}"#)
                #expect(r.status == 400 && r.text.contains("missing_identity"), "an event without distinct_id: \(r.text)")
                r = try client.request("POST", "/batch/", headers: [Self.text], body: String(repeating: "[", count: 5_000))
                #expect(r.status == 400, "deep nesting: \(r.text)")
                try await daemon.stop()
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 0)
            }
        }
    }

    @Test func mixpanelWireAnswersAsMixpanelDoes() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                let client = try daemon.client()
                let key = HTTPTestDaemon.publicKey
                let millis = (Int(Date().timeIntervalSince1970) - 3_600) * 1_000 + 123  // an hour ago, in milliseconds
                func ev(_ name: String, _ id: String) -> String {
                    #"{"event":"\#(name)","properties":{"token":"\#(key)","distinct_id":"u","time":\#(millis),"$insert_id":"\#(id)"}}"#
                }
                let track = Self.base64("[\(ev("get-b64", "g1"))]")
                var r = try client.request("GET", "/track?data=\(Self.percent(track))&ip=1", bytes: nil)
                #expect(r.status == 200 && r.text == "1", "\(r.text)")
                r = try client.request("POST", "/track", headers: [Self.form], body: "data=\(Self.percent(ev("verbose", "v1")))&verbose=1")
                #expect(r.status == 200 && r.text == #"{"status":1,"error":null}"#, "\(r.text)")
                r = try client.request("POST", "/track", headers: [Self.form], body: "data=\(Self.percent("[" + ev(String(repeating: "n", count: 300), "bad") + "]"))&verbose=1")
                #expect(r.status == 200 && r.json?["status"] as? Int == 0, "\(r.text)")
                // /import: a JSON body with the API secret as the Basic user; one good record, one bad.
                let body = "[" + ev("imported", "i1") + "," + ev(String(repeating: "n", count: 300), "i2") + "]"
                r = try client.request("POST", "/import?strict=1", headers: [basicAuth(HTTPTestDaemon.secretKey), ("Content-Type", "application/json")],
                                       bytes: try compress(Array(body.utf8)))
                #expect(r.status == 400, "\(r.text)")
                let failed = r.json?["failed_records"] as? [[String: Any]] ?? []
                #expect(failed.count == 1 && failed.first?["index"] as? Int == 1 && failed.first?["$insert_id"] as? String == "i2", "\(r.text)")
                #expect(r.json?["num_records_imported"] as? Int == 1)
                r = try client.request("POST", "/import", headers: [basicAuth(HTTPTestDaemon.secretKey), ("Content-Type", "application/json")],
                                       body: "[" + ev("imported-2", "i3") + "]")
                #expect(r.text == #"{"code":200,"num_records_imported":1,"status":1}"#, "\(r.text)")
                r = try client.request("POST", "/track", headers: [Self.form], body: "data=%%%bad")
                #expect(r.status == 400 && r.json?["status"] as? Int == 0, "bad base64: \(r.text)")
                try await daemon.stop()
                let rows = try database.connect().query("SELECT name, (extract(epoch FROM original_timestamp) * 1000)::bigint::text FROM analytics.events ORDER BY name")
                #expect(rows.map { $0[0] ?? "" } == ["get-b64", "imported", "imported-2", "verbose"])
                #expect(rows.first?[1] == String(millis), "time in milliseconds")
            }
        }
    }
}
