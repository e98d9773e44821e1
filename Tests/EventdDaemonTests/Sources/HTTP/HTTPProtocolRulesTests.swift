@testable import EventdCore
@testable import EventdDaemon
import NIOCore
import NIOHTTP1
import Testing
@testable import EventdTesting

/// The HTTP source's protocol rules as plain values: no sockets, time passed in by hand.
struct HTTPProtocolRulesTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    @Test func routesFollowSegmentPathsAndTheirOneLetterAliases() {
        #expect(HTTPRoute.match(path: "/v1/batch") == .batch)
        #expect(HTTPRoute.match(path: "/v1/b") == .batch)
        #expect(HTTPRoute.match(path: "/v1/t") == .single(impliedType: "track"))
        #expect(HTTPRoute.match(path: "/v1/identify/") == .single(impliedType: "identify"))
        #expect(HTTPRoute.match(path: "/v1/beacon") == .beacon)
        #expect(HTTPRoute.match(path: "/v1/pixel/page_view") == .pixel(impliedType: "page_view"))
        #expect(HTTPRoute.match(path: "/v1/pixel/evil\"") == nil, "only known types are spliced into JSON")
        #expect(HTTPRoute.match(path: "/v2/batch") == nil)
    }

    @Test func tokenBucketLetsABigBatchThroughOnceThenMakesItWaitOffItsDebt() {
        let limiter = RateLimiter(limits: .init(perKeyPerSecond: 10, perKeyBurst: 20, perIPPerSecond: 0, perIPBurst: 0))
        #expect(limiter.acquire(key: 0, client: nil, limitByIP: true, events: 50, now: Self.t0) == .allowed)
        // 20 - 50 = -30 tokens: 3.1 s at 10/s until one whole token is back.
        #expect(limiter.check(key: 0, client: nil, limitByIP: true, now: Self.t0 + .milliseconds(100))
                == .limited(retryAfter: 3, scope: .key))
        #expect(limiter.check(key: 0, client: nil, limitByIP: true, now: Self.t0 + .seconds(3))
                == .limited(retryAfter: 1, scope: .key))
        #expect(limiter.check(key: 0, client: nil, limitByIP: true, now: Self.t0 + .milliseconds(3_100)) == .allowed)
        #expect(limiter.check(key: 1, client: nil, limitByIP: true, now: Self.t0) == .allowed, "keys have their own buckets")
    }

    @Test func perIPLimitSkipsSecretKeysAndGroupsIPv6By64() {
        let limiter = RateLimiter(limits: .init(perKeyPerSecond: 0, perKeyBurst: 0, perIPPerSecond: 1, perIPBurst: 2))
        let v6a = SourceAddress("2001:db8:1:2::1")!, v6b = SourceAddress("2001:db8:1:2:ffff::9")!
        #expect(limiter.acquire(key: nil, client: v6a, limitByIP: true, events: 2, now: Self.t0) == .allowed)
        #expect(limiter.check(key: nil, client: v6b, limitByIP: true, now: Self.t0) == .limited(retryAfter: 1, scope: .ip))
        #expect(limiter.check(key: 7, client: v6b, limitByIP: false, now: Self.t0) == .allowed)
        #expect(limiter.check(key: nil, client: SourceAddress("2001:db8:1:3::1")!, limitByIP: true, now: Self.t0) == .allowed)
    }

    @Test func rememberedClientsStayBounded() {
        let limiter = RateLimiter(limits: .init(perKeyPerSecond: 0, perKeyBurst: 0, perIPPerSecond: 1, perIPBurst: 5),
                                  maxTrackedClients: 100)
        for i in 0..<1_000 {
            _ = limiter.acquire(key: nil, client: SourceAddress(ipv4: UInt32(i)), limitByIP: true, events: 1, now: Self.t0)
        }
        #expect(limiter.trackedClients <= 100)
    }

    @Test func slowRequestsAndIdleConnectionsExpireOnTheirOwnClocks() {
        var deadlines = HTTPConnectionDeadlines(idleTimeout: .seconds(60), requestTimeout: .seconds(10), now: Self.t0)
        deadlines.bytesArrived(now: Self.t0 + .seconds(1))
        deadlines.bytesArrived(now: Self.t0 + .seconds(9))  // trickling bytes do not restart the clock
        #expect(deadlines.expired(now: Self.t0 + .seconds(10)) == nil)
        #expect(deadlines.expired(now: Self.t0 + .seconds(11)) == .slowRequest)
        deadlines.requestComplete()
        #expect(deadlines.deadline == nil, "no timer while the answer waits for the commit")
        deadlines.responseSent(now: Self.t0 + .seconds(30))
        #expect(deadlines.deadline == Self.t0 + .seconds(90))
        #expect(deadlines.expired(now: Self.t0 + .seconds(89)) == nil)
        #expect(deadlines.expired(now: Self.t0 + .seconds(90)) == .idle)
    }

    /// Issue #14, finding 8: a connection that never sends a request is closed after the request
    /// timeout, not the (longer) keep-alive idle timeout, so idle sockets cannot hold every slot.
    @Test func aConnectionWaitsForItsFirstRequestOnlyAsLongAsTheRequestTimeout() {
        var deadlines = HTTPConnectionDeadlines(idleTimeout: .seconds(60), requestTimeout: .seconds(10), now: Self.t0)
        deadlines.responseSent(now: Self.t0)  // what the guard does when the connection opens
        #expect(deadlines.expired(now: Self.t0 + .seconds(9)) == nil)
        #expect(deadlines.expired(now: Self.t0 + .seconds(10)) == .idle)
        let short = HTTPConnectionDeadlines(idleTimeout: .seconds(2), requestTimeout: .seconds(10), now: Self.t0)
        #expect(short.deadline == Self.t0 + .seconds(2), "a shorter idle timeout still wins")
    }

    @Test func forwardedAddressesAreReadFromTheRightAndOnlyBehindTrustedProxies() {
        let resolver = ClientAddressResolver(trustedProxies: [IPNetwork("10.0.0.0/8")!])
        let proxy = try! SocketAddress(ipAddress: "10.1.2.3", port: 443)
        let stranger = try! SocketAddress(ipAddress: "192.0.2.50", port: 443)
        var headers = HTTPHeaders([("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.9.9.9")])
        #expect(resolver.resolve(peer: proxy, headers: headers).address == SourceAddress("203.0.113.9"))
        #expect(resolver.resolve(peer: stranger, headers: headers).address == SourceAddress("192.0.2.50"))
        headers = HTTPHeaders([("Forwarded", #"for=198.51.100.7:1234, for="[2001:db8::5]""#)])
        #expect(resolver.resolve(peer: proxy, headers: headers).address == SourceAddress("2001:db8::5"))
        headers = HTTPHeaders([("X-Forwarded-For", "not-an-address")])
        #expect(resolver.resolve(peer: proxy, headers: headers).address == SourceAddress("10.1.2.3"))
    }

    @Test func writeKeysMatchExactlyWhereverTheyArePresented() {
        let store = WriteKeyStore([WriteKey(name: "web", key: "pk_0123456789abcdef", kind: .public),
                                   WriteKey(name: "srv", key: "sk_0123456789abcdef", kind: .secret)])
        #expect(store.match(Array("sk_0123456789abcdef".utf8))?.name == "srv")
        #expect(store.match(Array("sk_0123456789abcde".utf8)) == nil)
        #expect(store.match(Array("sk_0123456789abcdefX".utf8)) == nil)
        let basic = HTTPHeaders([("Authorization", "Basic c2tfMDEyMzQ1Njc4OWFiY2RlZjo=")])  // "sk_0123456789abcdef:"
        #expect(WriteKeyCredentials.fromHead(basic, query: nil) == Array("sk_0123456789abcdef".utf8))
        #expect(WriteKeyCredentials.fromHead(HTTPHeaders(), query: "a=1&writeKey=pk_x%2By") == Array("pk_x+y".utf8))
        let body = #"{"batch":[{"writeKey":"nested"}],"context":{"a":"}"},"writeKey":"pk_0123456789abcdef"}"#
        #expect(body.withUnsafeBytes(BodyWriteKey.find) == Array("pk_0123456789abcdef".utf8))
    }

    @Test func theRoutesTypeGoesFirstSoTheBodysOwnTypeWins() {
        func inject(_ text: String) -> String { String(decoding: HTTPCollector.injectingType("track", into: Array(text.utf8)), as: UTF8.self) }
        #expect(inject(#" {"event":"x"}"#) == #"{"type":"track","event":"x"}"#)
        #expect(inject("{ }") == #"{"type":"track" }"#)
        #expect(inject("[1]") == "[1]")
        #expect(Base64Decoding.decode(Array("eyJhIjoxfQ".utf8)) == Array(#"{"a":1}"#.utf8))
        #expect(URLEncoding.value(named: "data", in: Array("x=1&data=%7B%22a%22%3A1%7D".utf8)) == Array(#"{"a":1}"#.utf8))
    }

    @Test func aDecompressionBombStopsAtTheCapWithBoundedOutput() throws {
        let bomb = try compress([UInt8](repeating: 0, count: 20 << 20))
        let inflater = BodyInflater(encoding: .gzip)
        var output = ByteBuffer()
        let status = bomb.withUnsafeBytes { inflater.inflate($0, into: &output, limit: 100_000) }
        #expect(status == .tooLarge)
        #expect(output.readableBytes <= 100_001)
        #expect(output.capacity < 200_000, "never more than the cap plus one chunk")

        let small = try compress(Array("hello".utf8), format: "deflate")
        var out = ByteBuffer()
        #expect(small.withUnsafeBytes { BodyInflater(encoding: .deflate).inflate($0, into: &out, limit: 100) } == .finished)
        #expect(out.readableBytesView.elementsEqual("hello".utf8))
        var garbage = ByteBuffer()
        #expect([UInt8](repeating: 0xFF, count: 10).withUnsafeBytes { BodyInflater(encoding: .gzip).inflate($0, into: &garbage, limit: 100) } == .malformed)
    }

    @Test func outcomesMapToSegmentStatuses() {
        let bad = Rejection(index: 1, messageId: "m", reason: .invalidEventType, detail: "bad", rawRange: 0..<1)
        #expect(HTTPOutcomeReply.afterDecode(accepted: 1, rejections: [bad]) == nil)
        #expect(HTTPOutcomeReply.afterDecode(accepted: 0, rejections: [bad])?.status == .badRequest)
        let whole = Rejection(index: nil, messageId: nil, reason: .batchTooLarge, detail: "big", rawRange: 0..<1)
        #expect(HTTPOutcomeReply.afterDecode(accepted: 0, rejections: [whole])?.status == .payloadTooLarge)
        #expect(HTTPOutcomeReply.afterCommit(.committed(refusedByDatabase: []), received: 2, rejections: []) == .success)
        #expect(HTTPOutcomeReply.afterCommit(.committed(refusedByDatabase: []), received: 2, rejections: [bad]).status == .ok)
        let failed = HTTPOutcomeReply.afterCommit(.failed(reason: "down"), received: 2, rejections: [])
        #expect(failed.status == .serviceUnavailable)
        #expect(failed.headers.first(name: "Retry-After") == "1")
    }
}
