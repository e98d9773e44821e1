@testable import EventdCore
@testable import EventdDaemon
import NIOCore
import NIOHTTP1
import Testing

/// Each head policy as a value: a request head in, a verdict (and what it found out) out. No sockets.
struct HTTPHeadPolicyTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    static let keys = WriteKeyStore([
        WriteKey(name: "web", key: "pk_web_0123456789", kind: .public, allowedOrigins: ["https://shop.example"]),
        WriteKey(name: "server", key: "sk_server_0123456789", kind: .secret),
    ])

    static func request(_ method: HTTPMethod = .POST, _ uri: String = "/v1/batch", _ headers: [(String, String)] = [],
                        maxBodyBytes: Int = 1_000) -> HTTPHeadCheck {
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
        return HTTPHeadCheck(head: head, client: .init(address: SourceAddress("192.0.2.7"), viaTrustedProxy: false),
                             maxBodyBytes: maxBodyBytes, cors: CORSPolicy(keys: keys), now: t0)
    }

    /// Runs `policies` in order, as `HTTPCollector.head` does.
    static func run(_ policies: [any HTTPHeadPolicy], _ request: inout HTTPHeadCheck) -> HTTPHeadVerdict {
        for policy in policies {
            let verdict = policy.check(&request)
            if verdict != .next { return verdict }
        }
        return .next
    }

    static func reply(_ verdict: HTTPHeadVerdict) -> HTTPReply? {
        if case .answer(let reply) = verdict { reply } else { nil }
    }

    static let route = RouteHeadPolicy(registry: .standard, sdkPaths: ["/sdk.js"])

    @Test func routeRefusesAPathNothingServesAndAMethodNoProtocolThereAccepts() {
        var unknown = Self.request(.POST, "/v2/batch", [("Content-Length", "5000")])
        let notFound = Self.reply(Self.route.check(&unknown))
        #expect(notFound?.status == .notFound)
        #expect(notFound?.close == true, "a body above the limit is not read, so the connection closes")

        var wrongMethod = Self.request(.DELETE, "/v1/batch")
        let notAllowed = Self.reply(Self.route.check(&wrongMethod))
        #expect(notAllowed?.status == .methodNotAllowed)
        #expect(notAllowed?.headers.first(name: "Allow")?.hasSuffix("OPTIONS") == true)
        #expect(notAllowed?.close == false, "no body: the connection stays open")

        var batch = Self.request(.POST, "/v1/batch")
        #expect(Self.route.check(&batch) == .next)
        #expect(batch.candidates.map(\.adapter.name) == ["segment"])

        var shared = Self.request(.POST, "/track")
        #expect(Self.route.check(&shared) == .next)
        #expect(shared.candidates.count == 2, "PostHog and Mixpanel share /track; the body decides")

        var preflight = Self.request(.OPTIONS, "/v1/batch")
        #expect(Self.route.check(&preflight) == .next, "a preflight is CORS's to answer")
        var sdk = Self.request(.GET, "/sdk.js")
        #expect(Self.reply(Self.route.check(&sdk))?.status == .ok)
    }

    @Test func credentialsRefuseAnUnknownKeyAndASecretKeyInTheURL() {
        let policies: [any HTTPHeadPolicy] = [Self.route, CredentialsHeadPolicy(keys: Self.keys)]
        var unknown = Self.request(.POST, "/v1/batch", [("X-Write-Key", "nope")])
        #expect(Self.reply(Self.run(policies, &unknown))?.status == .unauthorized)

        var secretInURL = Self.request(.POST, "/v1/batch?writeKey=sk_server_0123456789")
        let refused = Self.reply(Self.run(policies, &secretInURL))
        #expect(refused?.status == .unauthorized)
        #expect(refused.map { String(decoding: $0.body, as: UTF8.self).contains("URL") } == true)

        var basic = Self.request(.POST, "/v1/batch", [("Authorization", "Basic c2tfc2VydmVyXzAxMjM0NTY3ODk6")])
        #expect(Self.run(policies, &basic) == .next)
        #expect(basic.key?.name == "server")

        var none = Self.request(.POST, "/v1/batch")
        #expect(Self.run(policies, &none) == .next, "the body may still name a key")
        #expect(none.key == nil)

        var preflight = Self.request(.OPTIONS, "/v1/batch?writeKey=nope")
        #expect(Self.run(policies, &preflight) == .next, "a preflight is never refused for its credentials")
    }

    @Test func corsAnswersPreflightsAndRefusesAPublicKeyFromAnotherOrigin() {
        let policies: [any HTTPHeadPolicy] = [Self.route, CredentialsHeadPolicy(keys: Self.keys), CORSHeadPolicy(cors: CORSPolicy(keys: Self.keys))]
        var preflight = Self.request(.OPTIONS, "/v1/batch", [("Origin", "https://shop.example")])
        let allowed = Self.reply(Self.run(policies, &preflight))
        #expect(allowed?.status == .noContent)
        #expect(allowed?.headers.first(name: "Access-Control-Allow-Origin") == "https://shop.example")
        #expect(allowed?.headers.first(name: "Vary") == "Origin")

        var stranger = Self.request(.OPTIONS, "/v1/batch", [("Origin", "https://evil.example")])
        #expect(Self.reply(Self.run(policies, &stranger))?.status == .forbidden)

        var wrongOrigin = Self.request(.POST, "/v1/batch?writeKey=pk_web_0123456789", [("Origin", "https://evil.example")])
        let refused = Self.reply(Self.run(policies, &wrongOrigin))
        #expect(refused?.status == .forbidden)
        #expect(refused?.headers.first(name: "Access-Control-Allow-Origin") == nil)

        var rightOrigin = Self.request(.POST, "/v1/batch?writeKey=pk_web_0123456789", [("Origin", "https://shop.example")])
        #expect(Self.run(policies, &rightOrigin) == .next)
        #expect(rightOrigin.corsHeaders.first(name: "Access-Control-Allow-Credentials") == "true")
    }

    @Test func bodyFormatReadsEncodingAndContentTypeAndRefusesTheRest() {
        let policies: [any HTTPHeadPolicy] = [Self.route, BodyFormatHeadPolicy()]
        var gzipForm = Self.request(.POST, "/v1/batch", [("Content-Encoding", " GZIP "),
                                                          ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")])
        #expect(Self.run(policies, &gzipForm) == .next)
        #expect(gzipForm.encoding == .gzip)
        #expect(gzipForm.format == .form)

        var brotli = Self.request(.POST, "/v1/batch", [("Content-Encoding", "br")])
        #expect(Self.reply(Self.run(policies, &brotli))?.status == .unsupportedMediaType)
        var xml = Self.request(.POST, "/v1/batch", [("Content-Type", "application/xml")])
        #expect(Self.reply(Self.run(policies, &xml))?.status == .unsupportedMediaType)
        var pixel = Self.request(.GET, "/v1/pixel/track", [("Content-Type", "application/xml")])
        #expect(Self.run(policies, &pixel) == .next, "only a POST's body has a content type to check")
    }

    @Test func bodySizeRefusesADeclaredLengthAboveTheLimitAndClosesWithoutReadingIt() {
        let policies: [any HTTPHeadPolicy] = [Self.route, BodySizeHeadPolicy()]
        var large = Self.request(.POST, "/v1/batch", [("Content-Length", "1001")], maxBodyBytes: 1_000)
        let refused = Self.reply(Self.run(policies, &large))
        #expect(refused?.status == .payloadTooLarge)
        #expect(refused?.close == true)
        var fits = Self.request(.POST, "/v1/batch", [("Content-Length", "1000")], maxBodyBytes: 1_000)
        #expect(Self.run(policies, &fits) == .next)
    }

    @Test func rateLimitRefusesOnlyWhenTheBucketIsEmptyAndSaysWhenToRetry() {
        let limiter = RateLimiter(limits: .init(perKeyPerSecond: 0, perKeyBurst: 0, perIPPerSecond: 1, perIPBurst: 2))
        let policies: [any HTTPHeadPolicy] = [Self.route, CredentialsHeadPolicy(keys: Self.keys), RateLimitHeadPolicy(limiter: limiter)]
        var first = Self.request()
        #expect(Self.run(policies, &first) == .next, "looking does not charge")
        _ = limiter.acquire(key: nil, client: first.client.address, limitByIP: true, events: 2, now: Self.t0)
        var second = Self.request()
        let limited = Self.reply(Self.run(policies, &second))
        #expect(limited?.status == .tooManyRequests)
        #expect(limited?.headers.first(name: "Retry-After") == "1")
        var secret = Self.request(.POST, "/v1/batch", [("X-Write-Key", "sk_server_0123456789")])
        #expect(Self.run(policies, &secret) == .next, "a secret key's server is not limited per address")
    }
}
