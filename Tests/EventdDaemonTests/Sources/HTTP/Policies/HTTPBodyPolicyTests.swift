@testable import EventdCore
@testable import EventdDaemon
import NIOCore
import NIOHTTP1
import Testing

/// Each body policy as a value: a request whose head was let through and whose body the protocol
/// read, in; a verdict (and what it found out) out. No sockets.
struct HTTPBodyPolicyTests {
    static let keys = WriteKeyStore([
        WriteKey(name: "web", key: "pk_web_0123456789", kind: .public, allowedOrigins: ["https://shop.example"]),
        WriteKey(name: "server", key: "sk_server_0123456789", kind: .secret),
    ])
    static let collector: HTTPCollector = {
        var settings = HTTPSource.Settings()
        settings.writeKeys = [
            WriteKey(name: "web", key: "pk_web_0123456789", kind: .public, allowedOrigins: ["https://shop.example"]),
            WriteKey(name: "server", key: "sk_server_0123456789", kind: .secret),
        ]
        settings.requireWriteKey = false
        return HTTPCollector(settings: settings, limits: LiveValue(IngestLimits()), anonymizeIP: true)
    }()
    static let bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

    /// A request to /v1/batch with `headers`, its head let through by the collector, and a body
    /// that names `bodyKey`.
    static func request(_ headers: [(String, String)] = [], bodyKey: String? = nil, candidate: Bool = false,
                        dropsBots: Bool = false) throws -> HTTPBodyCheck {
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/batch", headers: HTTPHeaders(headers))
        guard case .read(let plan) = collector.head(head, peer: nil, now: .now()) else {
            throw CancellationError()
        }
        var events = ProtocolEvents(text: Array("{}".utf8), writeKey: bodyKey.map { Array($0.utf8) })
        events.writeKeyIsCandidate = candidate
        events.dropsBots = dropsBots
        return HTTPBodyCheck(plan: plan, events: events, adapter: plan.primary.adapter, now: .now())
    }

    static let bodyKey = BodyWriteKeyPolicy(keys: keys, cors: CORSPolicy(keys: keys), limiter: collector.limiter)

    static func status(_ verdict: HTTPHeadVerdict) -> UInt? {
        if case .answer(let reply) = verdict { reply.status.code } else { nil }
    }

    @Test func aKeyNamedInTheBodyIsUsedWhenTheHeadNamedNone() throws {
        var request = try Self.request(bodyKey: "pk_web_0123456789")
        #expect(Self.bodyKey.check(&request) == .next)
        #expect(request.key?.name == "web")

        var headFirst = try Self.request([("X-Write-Key", "sk_server_0123456789")], bodyKey: "pk_unknown")
        #expect(Self.bodyKey.check(&headFirst) == .next, "the head's key wins; the body's is not looked at")
        #expect(headFirst.key?.name == "server")
    }

    @Test func anUnknownBodyKeyIsRefusedUnlessItIsOnlyACandidate() throws {
        var unknown = try Self.request(bodyKey: "pk_unknown")
        #expect(Self.status(Self.bodyKey.check(&unknown)) == 401)

        var candidate = try Self.request(bodyKey: "phc_project_token", candidate: true)
        #expect(Self.bodyKey.check(&candidate) == .next)
        #expect(candidate.key == nil)
    }

    @Test func aPublicBodyKeyFromAnOriginItDoesNotAllowIsRefusedWithoutCORSHeaders() throws {
        var request = try Self.request([("Origin", "https://evil.example")], bodyKey: "pk_web_0123456789")
        let verdict = Self.bodyKey.check(&request)
        #expect(Self.status(verdict) == 403)
        if case .answer(let reply) = verdict {
            #expect(!reply.headers.contains { $0.name.lowercased().hasPrefix("access-control-") })
            #expect(reply.headers.first(name: "Vary") == "Origin")
        }
    }

    @Test func aSecretBodyKeysAnswersCarryNoCORSHeaders() throws {
        var request = try Self.request([("Origin", "https://shop.example")], bodyKey: "sk_server_0123456789")
        #expect(request.replyHeaders.contains { $0.name.lowercased().hasPrefix("access-control-") })
        #expect(Self.bodyKey.check(&request) == .next)
        #expect(!request.replyHeaders.contains { $0.name.lowercased().hasPrefix("access-control-") })
    }

    @Test func aMissingKeyIsRefusedOnlyWhenOneIsRequired() throws {
        var request = try Self.request()
        #expect(Self.status(RequiredWriteKeyPolicy(required: true).check(&request)) == 401)
        #expect(RequiredWriteKeyPolicy(required: false).check(&request) == .next)
        var keyed = try Self.request([("X-Write-Key", "sk_server_0123456789")])
        #expect(RequiredWriteKeyPolicy(required: true).check(&keyed) == .next)
    }

    @Test func botsAreDroppedWhenConfiguredOrByTheProtocolButNeverForASecretKey() throws {
        var bot = try Self.request([("User-Agent", Self.bot)])
        #expect(BotBodyPolicy(dropBots: true).check(&bot) == .next)
        #expect(bot.dropAsBot)
        #expect(BotBodyPolicy(dropBots: false).check(&bot) == .next)
        #expect(!bot.dropAsBot)

        var byProtocol = try Self.request([("User-Agent", Self.bot)], dropsBots: true)
        _ = BotBodyPolicy(dropBots: false).check(&byProtocol)
        #expect(byProtocol.dropAsBot)

        var relayed = try Self.request([("User-Agent", Self.bot), ("X-Write-Key", "sk_server_0123456789")])
        _ = BotBodyPolicy(dropBots: true).check(&relayed)
        #expect(!relayed.dropAsBot)

        var person = try Self.request([("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")])
        _ = BotBodyPolicy(dropBots: true).check(&person)
        #expect(!person.dropAsBot)
    }
}
