@testable import EventdDaemon
import EventdCore
import Foundation
import Testing
@testable import EventdTesting

/// A refused vendor event keeps the sender's own bytes in `analytics.rejected_events.raw` — the
/// element of the vendor's batch (after its transfer encoding is undone), or a pixel's query
/// string — not eventd's rewriting of it, so an operator sees and can replay exactly what arrived.
@Suite(.serialized)
struct RefusedSenderBytesTests {
    static let key = HTTPTestDaemon.publicKey
    static let longName = String(repeating: "x", count: 300)
    static let json = ("Content-Type", "application/json")

    /// Sends through a fresh daemon, then returns the stored refusals' (reason, raw as text, index).
    static func refusals(_ send: (HTTPTestClient, Int) throws -> Void) async throws -> [[String?]] {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url)) { daemon in
                try send(try daemon.client(), daemon.port)
                try await daemon.stop()
                return try database.connect().query(
                    "SELECT reason, convert_from(raw, 'UTF8'), batch_index::text FROM analytics.rejected_events ORDER BY batch_index").map(\.values)
            }
        }
    }

    @Test func posthogKeepsTheBatchElementAsSent() async throws {
        let good = #"{"event":"ok","distinct_id":"d-1","uuid":"0190a5b4-0000-7000-8000-0000000000b1"}"#
        let bad = #"{ "event" : "\#(Self.longName)",  "distinct_id":"d-1", "properties":{"$lib":"web"} }"#
        let rows = try await Self.refusals { client, _ in
            let r = try client.request("POST", "/batch/", headers: [Self.json],
                                       body: #"{"api_key":"\#(Self.key)", "batch": [ \#(good) ,\#n  \#(bad) ] }"#)
            #expect(r.status == 200, "\(r.text)")
            // GET ?data= base64: the element of the decoded JSON.
            let data = Data(#"[\#(bad)]"#.utf8).base64EncodedString()
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let get = try client.request("GET", "/e/?data=\(data)&writeKey=\(Self.key)", bytes: nil)
            #expect(get.status == 400, "\(get.text)")
        }
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.allSatisfy { $0[0] == "name_too_long" && $0[1] == bad }, "\(rows)")
        #expect(rows.first?[2] == "0" && rows.last?[2] == "1")
    }

    @Test func mixpanelKeepsTheRecordAsSent() async throws {
        let good = #"{"event":"ok","properties":{"token":"\#(Self.key)","distinct_id":"u","$insert_id":"i-1"}}"#
        let bad = #"{"event":"\#(Self.longName)","properties":{"token":"\#(Self.key)","distinct_id":"u","$insert_id":"i-2"}}"#
        let rows = try await Self.refusals { client, _ in
            let data = Data("[\(good), \(bad)]".utf8).base64EncodedString()
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let r = try client.request("POST", "/track/", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                       body: "data=\(data)")
            #expect(r.status == 200, "\(r.text)")
        }
        #expect(rows == [["name_too_long", bad, "1"]], "\(rows)")
    }

    @Test func snowplowKeepsTheStringMapAndThePixelsQuery() async throws {
        let good = #"{"e":"pv","eid":"5c1d9f3a-2b4e-4c6d-8e7f-901234567891","duid":"d-7","url":"https://a.example/"}"#
        let bad = #"{"e":"pv","eid":"5c1d9f3a-2b4e-4c6d-8e7f-901234567892","url":"https://a.example/"}"#
        let query = "e=pv&url=https%3A%2F%2Fa.example%2Fpixel&eid=5c1d9f3a-2b4e-4c6d-8e7f-901234567893&writeKey=\(Self.key)"
        let rows = try await Self.refusals { client, _ in
            let r = try client.request("POST", "/com.snowplowanalytics.snowplow/tp2?writeKey=\(Self.key)", headers: [Self.json],
                                       body: #"{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[\#(good),\#(bad)]}"#)
            #expect(r.status == 200, "\(r.text)")
            _ = try client.request("GET", "/i?\(query)", bytes: nil)
        }
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.contains { $0 == ["missing_identity", bad, "1"] }, "\(rows)")
        // The query as sent, except the write key: eventd's redaction keeps keys out of the dead-letter table.
        let stored = query.replacingOccurrences(of: Self.key, with: String(repeating: "*", count: Self.key.count))
        #expect(rows.contains { $0[0] == "missing_identity" && $0[1] == stored }, "\(rows)")
    }

    @Test func plausibleAndUmamiKeepTheBody() async throws {
        let plausible = #"{"name":"\#(Self.longName)","url":"https://blog.example/","domain":"\#(Self.key)"}"#
        let umami = #"{"type":"event","payload":{"website":"\#(Self.key)","url":"/","name":"\#(Self.longName)"}}"#
        let browser = ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
        let rows = try await Self.refusals { client, _ in
            _ = try client.request("POST", "/api/event", headers: [("Content-Type", "text/plain"), browser], body: plausible)
            _ = try client.request("POST", "/api/send", headers: [Self.json, browser], body: umami)
        }
        #expect(rows.count == 2, "\(rows)")
        #expect(Set(rows.map { $0[1] ?? "" }) == [plausible, umami], "\(rows)")
    }

    @Test func elementRangesFindTheSendersSpans() {
        let text = Array(#" {"token":"t","batch" : [ {"a":[1,"]"]} , 2,"x" ] } "#.utf8)
        let ranges = SenderBytes.elementRanges(of: text, members: ["batch"])
        #expect(ranges?.map { String(decoding: text[$0], as: UTF8.self) } == [#"{"a":[1,"]"]}"#, "2", #""x""#])
        #expect(SenderBytes.elementRanges(of: Array("[]".utf8), members: []) == [])
        #expect(SenderBytes.elementRanges(of: Array(#"{"batch":{}}"#.utf8), members: ["batch"]) == nil)
        #expect(SenderBytes.elementRanges(of: Array("[1,".utf8), members: []) == nil)
        #expect(SenderBytes(elements: [Array("ab".utf8), Array("c".utf8)]).range(forIndex: 1) == 3..<4)
        #expect(SenderBytes(single: Array("abc".utf8)).range(forIndex: nil) == 0..<3)
    }
}
