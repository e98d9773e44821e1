import EventdCore
import NIOCore
import NIOHTTP1

/// The HTTP source's request logic, with no I/O. A request's head goes through an ordered list of
/// small policies (`headPolicies`: route, credentials, CORS, body format, size, rate limit; in
/// `Policies/`, each tested as a value), and its complete body through `body(…)`: the protocol
/// serving the path reads it, then the body policies (`bodyPolicies`: a key named in the body, a
/// key required, the bot rule) decide. What varies by vendor —
/// reading the body, rendering the answer — is the protocol's. The channel handler asks what to do
/// and carries out the answer.
///
/// Shared by every connection (it is immutable apart from the rate limiter, which locks).
struct HTTPCollector: Sendable {
    let settings: HTTPSource.Settings
    let keys: WriteKeyStore
    let cors: CORSPolicy
    let limiter: RateLimiter
    let resolver: ClientAddressResolver
    /// Shared with the pipeline; a config reload replaces it.
    let liveLimits: LiveValue<IngestLimits>
    let anonymizeIP: Bool
    /// The protocols served, and where.
    let registry: ProtocolRegistry
    /// Paths the web SDK is served at (`sdk_path`, and under each path prefix); empty when off.
    let sdkPaths: Set<String>

    /// What is decided from a request's head, one concern each, in the order they are asked. The
    /// order is behaviour: a path nothing serves is a 404 whatever its key; a known key's preflight
    /// is answered before the method is looked at; a key is checked before its origin, its body's
    /// format and size before the rate limiter is consulted.
    let headPolicies: [any HTTPHeadPolicy]

    /// What is decided once the protocol has read the body, in order: a key the body names (known,
    /// from an allowed origin, within its rate limit) before a missing key is refused; the bot rule
    /// last, as it exempts secret keys.
    let bodyPolicies: [any HTTPBodyPolicy]

    init(settings: HTTPSource.Settings, limits: LiveValue<IngestLimits>, anonymizeIP: Bool) {
        self.settings = settings
        keys = WriteKeyStore(settings.writeKeys)
        cors = CORSPolicy(keys: keys)
        limiter = RateLimiter(limits: .init(settings.rateLimit))
        resolver = ClientAddressResolver(trustedProxies: settings.http.trustedProxyNetworks)
        self.liveLimits = limits
        self.anonymizeIP = anonymizeIP
        registry = ProtocolRegistry.standard.servingPrefixes(settings.pathPrefixes)
        sdkPaths = settings.sdkPath.isEmpty ? [] : Set([settings.sdkPath] + settings.pathPrefixes.map { $0 + settings.sdkPath })
        headPolicies = [
            RouteHeadPolicy(registry: registry, sdkPaths: sdkPaths, testOnly_pages: settings.testOnly_pages),
            CredentialsHeadPolicy(keys: keys),
            CORSHeadPolicy(cors: cors),
            BodyFormatHeadPolicy(),
            BodySizeHeadPolicy(),
            RateLimitHeadPolicy(limiter: limiter),
        ]
        bodyPolicies = [
            BodyWriteKeyPolicy(keys: keys, cors: cors, limiter: limiter),
            RequiredWriteKeyPolicy(required: settings.requireWriteKey),
            BotBodyPolicy(dropBots: settings.dropBots),
        ]
    }

    var limits: IngestLimits { liveLimits.value }

    enum HeadDecision {
        /// Answer without decoding. A small Content-Length body is read and discarded first; a
        /// large or chunked one is not read at all and the connection closes after the answer
        /// (`reply.close`).
        case reply(HTTPReply)
        /// Read the body, then call `body(…)`.
        case read(HTTPRequestPlan)
    }

    enum BodyDecision {
        case reply(HTTPReply)
        case ingest(HTTPIngestWork)
    }

    // MARK: - Head

    func head(_ head: HTTPRequestHead, peer: SocketAddress?, now: NIODeadline) -> HeadDecision {
        var request = HTTPHeadCheck(head: head, client: resolver.resolve(peer: peer, headers: head.headers),
                                    maxBodyBytes: settings.maxBodyBytes, cors: cors, now: now)
        for policy in headPolicies {
            if case .answer(let reply) = policy.check(&request) { return .reply(reply) }
        }
        return .read(plan(request))
    }

    /// The plan for a request every head policy let through.
    private func plan(_ request: HTTPHeadCheck) -> HTTPRequestPlan {
        let head = request.head
        let queryBytes = request.query.map { Array($0.utf8) } ?? []
        var delivery = request.candidates[0].route.delivery
        if delivery == .durable, let flag = URLEncoding.value(named: "beacon", in: queryBytes) {
            if flag != Array("0".utf8) && flag != Array("false".utf8) { delivery = .beacon }
        }
        var replyHeaders = request.vary
        replyHeaders.add(contentsOf: request.corsHeaders)
        return HTTPRequestPlan(
            candidates: request.candidates, method: head.method, query: queryBytes, delivery: delivery, format: request.format,
            encoding: request.encoding, key: request.key, origin: request.origin,
            client: request.client, userAgent: head.headers.first(name: "user-agent"),
            country: request.client.viaTrustedProxy ? Self.country(head.headers) : nil,
            headers: head.headers, maxBodyBytes: settings.maxBodyBytes,
            expectsContinue: head.headers.first(name: "expect")?.lowercased() == "100-continue",
            replyHeaders: replyHeaders)
    }

    // MARK: - Body

    /// Decides what to do with the complete (decompressed) body of a request planned by `head`.
    func body(_ plan: HTTPRequestPlan, body: UnsafeRawBufferPointer, now: NIODeadline, receivedAt: Int64) -> BodyDecision {
        // The protocol reads the body; on a path two protocols share, the first that recognises it.
        var request = ProtocolRequest(
            route: plan.primary.route, method: plan.method, query: plan.query, body: body, isForm: plan.format == .form,
            headers: plan.headers, receivedAt: receivedAt, maxBodyBytes: plan.maxBodyBytes, maxDepth: limits.maxDepth,
            othersMayClaim: false)
        var chosen = plan.primary
        var events: ProtocolEvents?
        for (position, entry) in plan.candidates.enumerated() {
            request.route = entry.route
            request.othersMayClaim = position < plan.candidates.count - 1
            chosen = entry
            switch entry.adapter.payload(request) {
            case .notRecognised: continue
            case .refused(let refusal):
                var reply = entry.adapter.refusal(refusal)
                reply.headers.add(contentsOf: plan.replyHeaders)
                return .reply(reply)
            case .events(let read): events = read
            }
            break
        }
        let adapter = chosen.adapter
        guard let events else {
            var reply = adapter.refusal(RequestRefusal(.badRequest, .malformedRequest, "The body is not a request this path serves."))
            reply.headers.add(contentsOf: plan.replyHeaders)
            return .reply(reply)
        }

        var check = HTTPBodyCheck(plan: plan, events: events, adapter: adapter, now: now)
        for policy in bodyPolicies {
            if case .answer(let reply) = policy.check(&check) { return .reply(reply) }
        }
        let key = check.key
        let context = IngestContext(
            receivedAt: receivedAt, transport: .http, sourceAddress: plan.client.address,
            anonymiseSourceAddress: anonymizeIP, sourceKey: key?.name, limits: limits,
            userAgent: plan.userAgent, country: plan.country)
        return .ingest(HTTPIngestWork(
            text: events.text, sender: events.sender, context: context, delivery: plan.delivery, adapter: adapter,
            replyContext: ProtocolReplyContext(route: chosen.route, delivery: plan.delivery, events: events),
            keyIndex: key?.index, limitByIP: key?.kind != .secret, dropAsBot: check.dropAsBot,
            replyHeaders: check.replyHeaders))
    }

    /// Charges a decoded request's events to its buckets; a refusal is the 429 to send.
    func charge(_ work: HTTPIngestWork, events: Int, now: NIODeadline) -> HTTPReply? {
        guard case .limited(let retryAfter, let scope) = limiter.acquire(
            key: work.keyIndex, client: work.context.sourceAddress, limitByIP: work.limitByIP, events: events, now: now)
        else { return nil }
        return work.refusal(RateLimitHeadPolicy.refusal(retryAfter: retryAfter, scope: scope))
    }

    // MARK: - Helpers

    /// `{"type":"<type>",` + the object's members: the route's type as the first member, so that a
    /// `type` in the body (a later duplicate key, and the decoder keeps the last) still wins.
    /// Anything that is not an object is left alone for the decoder to refuse.
    static func injectingType(_ type: String, into text: [UInt8]) -> [UInt8] {
        var index = 0
        if text.count >= 3, text[0] == 0xEF, text[1] == 0xBB, text[2] == 0xBF { index = 3 }
        while index < text.count, text[index] == 0x20 || text[index] == 0x0A || text[index] == 0x0D || text[index] == 0x09 {
            index += 1
        }
        guard index < text.count, text[index] == 0x7B else { return text }
        var next = index + 1
        while next < text.count, text[next] == 0x20 || text[next] == 0x0A || text[next] == 0x0D || text[next] == 0x09 {
            next += 1
        }
        let empty = next < text.count && text[next] == 0x7D
        var out: [UInt8] = []
        out.reserveCapacity(text.count + type.utf8.count + 10)
        out.append(contentsOf: #"{"type":""#.utf8)
        out.append(contentsOf: type.utf8)
        out.append(0x22)
        if !empty { out.append(0x2C) }
        out.append(contentsOf: text[(index + 1)...])
        return out
    }

    /// A country a trusted CDN or proxy put in a header (2 letters), if any.
    static func country(_ headers: HTTPHeaders) -> String? {
        for name in ["cf-ipcountry", "cloudfront-viewer-country", "x-country-code"] {
            if let value = headers.first(name: name)?.trimmingSpaces, value.count == 2,
               value.allSatisfy({ $0.isASCII && $0.isLetter }) {
                return value.uppercased()
            }
        }
        return nil
    }
}
