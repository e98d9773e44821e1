@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// The HTTP source under hostile or excessive input, end to end: oversize bodies and bombs,
/// rate-limited bursts, slow and oversized heads, the connection cap, a full ring. Each asserts
/// what the client was told and what (nothing) landed.
@Suite(.serialized)
struct HTTPLimitsTests {
    static let json = ("Content-Type", "application/json")

    @Test func oversizeBodiesAndDecompressionBombsGet413() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url) { config in
                config.sources.http.maxBodyBytes = 64 * 1024
            }) { daemon in
                let padding = String(repeating: "x", count: 70 * 1024)
                let big = #"{"batch":[{"type":"track","event":"big","userId":"u","properties":{"p":"\#(padding)"}}]}"#
                let declared = try daemon.client().request("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json], body: big)
                #expect(declared.status == 413)
                #expect(declared.header("Connection") == "close")

                // Chunked, so the size is only known while reading.
                let chunked = try daemon.client()
                let bytes = Array(big.utf8)
                chunked.send("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json, ("Transfer-Encoding", "chunked")])
                var offset = 0
                var answer: HTTPTestClient.Response?
                while offset < bytes.count {
                    let piece = bytes[offset..<min(bytes.count, offset + 8192)]
                    guard chunked.sendRaw(Array(String(piece.count, radix: 16).utf8) + [0x0D, 0x0A] + piece + [0x0D, 0x0A]) else { break }
                    offset += piece.count
                }
                chunked.sendRaw(Array("0\r\n\r\n".utf8))
                answer = chunked.readResponse()
                #expect(answer?.status == 413)

                // A bomb: 50 MB of zeros in ~50 KB of gzip. Refused at the cap, quickly.
                let bomb = try compress([UInt8](repeating: 0x20, count: 50 << 20))
                #expect(bomb.count < 64 * 1024)
                let started = ContinuousClock.now
                let bombed = try daemon.client().request("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json,
                                                                                          ("Content-Encoding", "gzip")], bytes: bomb)
                #expect(bombed.status == 413)
                #expect(bombed.errors.first?["reason"] as? String == "batch_too_large")
                #expect(ContinuousClock.now - started < .seconds(2))

                // The per-message limit (32 KB) on a single-message route: 413 too.
                let message = #"{"event":"big","userId":"u","properties":{"p":"\#(String(repeating: "y", count: 40 * 1024))"}}"#
                let single = try daemon.client().request("POST", "/v1/track", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json], body: message)
                #expect(single.status == 413)
                #expect(single.errors.first?["reason"] as? String == "event_too_large")
                try await Task.sleep(for: .milliseconds(200))
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 0)
            }
        }
    }

    /// Most HTTP libraries write the whole request before they read. A refusal that comes early (413 on
    /// the declared length, 431 on the head) must still reach them: eventd answers, shuts down its
    /// side, and reads the rest away (a lingering close), so the write is not reset and the answer is
    /// not destroyed by an RST.
    @Test func aClientThatWritesItsWholeRequestFirstStillReadsTheRefusal() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url) { config in
                config.sources.http.maxBodyBytes = 64 * 1024
                config.sources.http.maxHeaderBytes = 4096
            }) { daemon in
                // Far more than the socket buffers of both ends hold, so most of it arrives after the answer.
                let body = [UInt8](repeating: 0x20, count: 16 << 20)
                let oversize = try daemon.client()
                // (Results into a Bool first: a failed expectation would print the 16 MiB.)
                let wroteBody = oversize.send("POST", "/v1/batch", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json], body: body)
                #expect(wroteBody, "the whole body was written, not reset")
                #expect(oversize.readResponse()?.status == 413)
                #expect(oversize.finishEndsWithFIN(), "a clean end of stream, not a reset")

                let head = "POST /v1/batch HTTP/1.1\r\nHost: x\r\nX-Junk: " + String(repeating: "j", count: 8 << 20) + "\r\n\r\n{}"
                let longHead = try daemon.client()
                let wroteHead = longHead.sendRaw(Array(head.utf8))
                #expect(wroteHead, "the whole head was written, not reset")
                #expect(longHead.readResponse()?.status == 431)
                #expect(longHead.finishEndsWithFIN())
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 0)
            }
        }
    }

    @Test func aBurstPastTheRateLimitGets429WithRetryAfter() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url) { config in
                config.sources.http.rateLimit.perIPPerSecond = 1
                config.sources.http.rateLimit.perIPBurst = 3
                config.sources.http.rateLimit.perKeyPerSecond = 1
                config.sources.http.rateLimit.perKeyBurst = 4
            }) { daemon in
                let client = try daemon.client()
                var statuses: [Int] = []
                var retryAfter: String?
                for index in 0..<6 {
                    let response = try client.request("POST", "/v1/beacon", headers: [("Content-Type", "text/plain")],
                                                      body: #"{"type":"track","event":"burst","anonymousId":"a-\#(index)","writeKey":"\#(HTTPTestDaemon.publicKey)"}"#)
                    statuses.append(response.status)
                    if response.status == 429 { retryAfter = response.header("Retry-After") }
                }
                #expect(statuses == [204, 204, 204, 429, 429, 429], "per-IP burst of 3 for a public key")
                #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
                // A secret key is not limited per IP, only per key (burst 4).
                var secret: [Int] = []
                for _ in 0..<5 {
                    secret.append(try client.request("POST", "/v1/track", headers: [basicAuth(HTTPTestDaemon.secretKey), Self.json],
                                                     body: #"{"event":"server","userId":"u"}"#).status)
                }
                #expect(secret == [200, 200, 200, 200, 429])
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.events WHERE name = 'burst'", toReach: 3) == 3)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE name = 'server'") == 4)
            }
        }
    }

    @Test func slowHeadsOversizedHeadsAndExtraConnectionsAreCutOff() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await HTTPTestDaemon.start(databaseURL: database.url) { config in
                config.sources.http.requestTimeout = .milliseconds(600)
                config.sources.http.idleTimeout = .milliseconds(800)
                config.sources.http.maxConnections = 3
                config.sources.http.maxHeaderBytes = 4096
            }) { daemon in
                // Slowloris: a header byte at a time, never finishing. 408 and closed after request_timeout.
                let slow = try daemon.client()
                let started = ContinuousClock.now
                slow.sendRaw(Array("POST /v1/batch HTTP/1.1\r\nHost: x\r\n".utf8))
                var answer: HTTPTestClient.Response?
                for _ in 0..<40 where !slow.hasBytesWaiting() {
                    guard slow.sendRaw(Array("X".utf8)) else { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                answer = slow.readResponse()
                #expect(answer?.status == 408)
                #expect(ContinuousClock.now - started < .seconds(3))

                // An idle keep-alive connection is closed after idle_timeout.
                let idle = try daemon.client()
                #expect(try idle.request("GET", "/nope", bytes: nil).status == 404)
                #expect(idle.isClosedByServer())

                // A head over max_header_bytes: 431, through a long URL or a long header.
                let longURL = try daemon.client().request("GET", "/v1/pixel/track?data=" + String(repeating: "A", count: 8000), bytes: nil)
                #expect(longURL.status == 431)
                let longHeader = try daemon.client().request("POST", "/v1/batch", headers: [("X-Junk", String(repeating: "j", count: 8000))], body: "{}")
                #expect(longHeader.status == 431)

                // Connection cap: with 3 open, a fourth is closed at once.
                let held = try (0..<3).map { _ in try daemon.client() }
                try await Task.sleep(for: .milliseconds(100))
                let extra = try daemon.client()
                #expect(extra.isClosedByServer())
                _ = held
            }
        }
    }

    @Test func aFullRingIsAnswered503WithRetryAfter() async throws {
        // No database at all: the loader holds its first batch, the ring (2 slots) fills behind it.
        try await withDaemon(await HTTPTestDaemon.start(databaseURL: "postgresql://postgres@127.0.0.1:1/none?connect_timeout=1",
                                                    waitForDatabase: false) { config in
            config.ring.capacity = 2
        }) { daemon in
            let client = try daemon.client()
            var statuses: [Int] = []
            var retryAfter: String?
            for index in 0..<8 {
                let response = try client.request("POST", "/v1/beacon", headers: [Self.json],
                                                  body: #"{"type":"track","event":"e\#(index)","anonymousId":"a","writeKey":"\#(HTTPTestDaemon.publicKey)"}"#)
                statuses.append(response.status)
                if response.status == 503 { retryAfter = response.header("Retry-After") }
                try await Task.sleep(for: .milliseconds(30))
            }
            #expect(statuses.first == 204)
            #expect(statuses.contains(503), "\(statuses)")
            #expect(retryAfter == "1")
        }
    }
}
