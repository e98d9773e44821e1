import EventdCore
import NIOCore
import NIOHTTP1

/// The HTTP source's request logic, with no I/O: routing (to the protocol serving the path, see
/// `ProtocolRegistry`), write keys, CORS, size and encoding limits, rate limits and body formats.
/// What varies by vendor — reading the body, rendering the answer — is the protocol's. The channel handler asks it what to do when a request
/// head arrives (`head(…)`) and when its body is complete (`body(…)`), and carries out the answer.
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

    init(settings: HTTPSource.Settings, limits: LiveValue<IngestLimits>, anonymizeIP: Bool) {
        self.settings = settings
        keys = WriteKeyStore(settings.writeKeys)
        cors = CORSPolicy(keys: keys)
        let rate = settings.rateLimit
        limiter = RateLimiter(limits: .init(perKeyPerSecond: rate.perKeyPerSecond, perKeyBurst: rate.perKeyBurst,
                                            perIPPerSecond: rate.perIPPerSecond, perIPBurst: rate.perIPBurst))
        resolver = ClientAddressResolver(trustedProxies: settings.trustedProxies)
        self.liveLimits = limits
        self.anonymizeIP = anonymizeIP
        registry = ProtocolRegistry.standard.servingPrefixes(settings.pathPrefixes)
        sdkPaths = settings.sdkPath.isEmpty ? [] : Set([settings.sdkPath] + settings.pathPrefixes.map { $0 + settings.sdkPath })
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
        // A refused request's body is read and discarded when it is small and framed by
        // Content-Length, so a keep-alive SDK keeps its connection; otherwise the connection closes.
        let hasBody = Self.hasBody(head.headers) && !Self.hasSmallBody(head.headers, limit: settings.maxBodyBytes)
        let (path, query) = Self.split(uri: head.uri)
        let origin = head.headers.first(name: "origin")
        var vary = HTTPHeaders()
        if origin != nil { vary.add(name: "Vary", value: "Origin") }
        func refuse(_ reply: HTTPReply, cors: HTTPHeaders = HTTPHeaders()) -> HeadDecision {
            var reply = reply
            reply.headers.add(contentsOf: vary)
            reply.headers.add(contentsOf: cors)
            if hasBody { reply.close = true }
            return .reply(reply)
        }

        if let page = settings.testOnly_pages[String(path)], head.method == .GET {
            return .reply(HTTPReply(status: .ok, body: Array(page.utf8), contentType: "text/html; charset=utf-8"))
        }
        if sdkPaths.contains(String(path)), head.method == .GET || head.method == .HEAD {
            return .reply(WebSDKAsset.shared.reply(to: head))
        }
        let served = registry.match(path: path)
        guard let adapter = served.first?.adapter else {
            return refuse(.failure(.notFound, .notFound, "Nothing is served at \(path); try POST /v1/batch."))
        }
        // Refusals from here on are told in the path's protocol's own terms.
        func refuse(_ refusal: RequestRefusal, cors: HTTPHeaders = HTTPHeaders()) -> HeadDecision {
            refuse(adapter.refusal(refusal), cors: cors)
        }

        // Key named in the head (Basic, Bearer, X-Write-Key or ?writeKey=).
        let presented = WriteKeyCredentials.fromHead(head.headers, query: query)
        let key = presented.flatMap(keys.match)

        if head.method == .OPTIONS {
            return .reply(preflight(head, origin: origin, key: key, vary: vary, hasBody: hasBody, adapter: adapter))
        }
        let candidates = served.filter { $0.route.methods.contains(head.method) }
        guard !candidates.isEmpty else {
            var methods: [String] = []
            for entry in served { for m in entry.route.methods where !methods.contains(m.rawValue) { methods.append(m.rawValue) } }
            let accepted = methods.joined(separator: ", ")
            var reply = adapter.refusal(RequestRefusal(.methodNotAllowed, .methodNotAllowed, "\(path) accepts \(accepted) and OPTIONS."))
            reply.headers.add(name: "Allow", value: "\(accepted), OPTIONS")
            return refuse(reply)
        }
        var corsHeaders = HTTPHeaders()
        if let origin, key.map({ cors.allows(origin: origin, key: $0) }) ?? cors.allowsPreflight(origin: origin, key: nil) {
            CORSPolicy.allowHeaders(origin: origin, into: &corsHeaders)
        }
        if presented != nil, key == nil {
            return refuse(RequestRefusal(.unauthorized, .invalidWriteKey, "The write key is not known."), cors: corsHeaders)
        }
        if let key, let refusal = WriteKeyCredentials.secretKeyInURLRefusal(key, head.headers, query: query) {
            return refuse(refusal, cors: corsHeaders)
        }
        if let key, let origin, key.kind == .public, !cors.allows(origin: origin, key: key) {
            return refuse(RequestRefusal(.forbidden, .originNotAllowed,
                                         "The write key '\(key.name)' may not be used from \(origin)."))
        }

        var encoding: BodyInflater.Encoding?
        switch head.headers.first(name: "content-encoding")?.trimmingSpaces.lowercased() {
        case nil, "", "identity": encoding = nil
        case "gzip", "x-gzip": encoding = .gzip
        case "deflate": encoding = .deflate
        case let other?:
            return refuse(RequestRefusal(.unsupportedMediaType, .unsupportedMediaType,
                                         "Content-Encoding '\(other)' is not supported; use gzip or deflate."), cors: corsHeaders)
        }
        var format = HTTPRequestPlan.BodyFormat.json
        if head.method == .POST {
            let mediaType = head.headers.first(name: "content-type")?
                .split(separator: ";", maxSplits: 1).first?.trimmingSpaces.lowercased() ?? ""
            switch mediaType {
            case "", "application/json", "text/plain", "application/x-json", "text/json": format = .json
            case "application/x-www-form-urlencoded": format = .form
            default:
                return refuse(RequestRefusal(.unsupportedMediaType, .unsupportedMediaType,
                                             "Content-Type '\(mediaType)' is not accepted; send JSON as application/json or text/plain."),
                              cors: corsHeaders)
            }
        }
        if let length = head.headers.first(name: "content-length").flatMap({ Int($0.trimmingSpaces) }),
           length > settings.maxBodyBytes {
            return refuse(RequestRefusal(.payloadTooLarge, .bodyTooLarge,
                                         "The body is \(length) bytes; the limit is \(settings.maxBodyBytes)."), cors: corsHeaders)
        }

        let client = resolver.resolve(peer: peer, headers: head.headers)
        if case .limited(let retryAfter, let scope) = limiter.check(
            key: key?.index, client: client.address, limitByIP: key?.kind != .secret, now: now) {
            return refuse(Self.rateLimited(retryAfter: retryAfter, scope: scope), cors: corsHeaders)
        }

        let queryBytes = query.map { Array($0.utf8) } ?? []
        var delivery = candidates[0].route.delivery
        if delivery == .durable, let flag = URLEncoding.value(named: "beacon", in: queryBytes) {
            if flag != Array("0".utf8) && flag != Array("false".utf8) { delivery = .beacon }
        }
        var replyHeaders = vary
        replyHeaders.add(contentsOf: corsHeaders)
        return .read(HTTPRequestPlan(
            candidates: candidates, method: head.method, query: queryBytes, delivery: delivery, format: format,
            encoding: encoding, key: key, origin: origin,
            client: client, userAgent: head.headers.first(name: "user-agent"),
            country: client.viaTrustedProxy ? Self.country(head.headers) : nil,
            headers: head.headers, maxBodyBytes: settings.maxBodyBytes,
            expectsContinue: head.headers.first(name: "expect")?.lowercased() == "100-continue",
            replyHeaders: replyHeaders))
    }

    private func preflight(_ head: HTTPRequestHead, origin: String?, key: WriteKeyStore.Match?, vary: HTTPHeaders,
                           hasBody: Bool, adapter: any IngestProtocol) -> HTTPReply {
        var reply = HTTPReply(status: .noContent, close: hasBody)
        reply.headers.add(contentsOf: vary)
        reply.headers.add(name: "Allow", value: CORSPolicy.allowedMethods)
        guard let origin else { return reply }
        guard cors.allowsPreflight(origin: origin, key: key) else {
            var refused = adapter.refusal(RequestRefusal(.forbidden, .originNotAllowed, "No write key may be used from \(origin)."))
            refused.close = hasBody
            refused.headers.add(contentsOf: vary)
            return refused
        }
        CORSPolicy.preflightHeaders(origin: origin, request: head.headers, into: &reply.headers)
        return reply
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
        func refuse(_ refusal: RequestRefusal, headers: HTTPHeaders? = nil) -> BodyDecision {
            var reply = adapter.refusal(refusal)
            reply.headers.add(contentsOf: headers ?? plan.replyHeaders)
            return .reply(reply)
        }
        guard let events else {
            return refuse(RequestRefusal(.badRequest, .malformedRequest, "The body is not a request this path serves."))
        }

        var key = plan.key
        var replyHeaders = plan.replyHeaders
        if key == nil, let bodyKey = events.writeKey, !events.writeKeyIsCandidate || keys.match(bodyKey) != nil {
            guard let match = keys.match(bodyKey) else {
                return refuse(RequestRefusal(.unauthorized, .invalidWriteKey, "The write key is not known."))
            }
            if let origin = plan.origin, match.kind == .public, !cors.allows(origin: origin, key: match) {
                return refuse(RequestRefusal(.forbidden, .originNotAllowed,
                                             "The write key '\(match.name)' may not be used from \(origin)."),
                              headers: HTTPHeaders(plan.replyHeaders.filter { !$0.name.lowercased().hasPrefix("access-control-") }))
            }
            if match.kind == .secret {
                replyHeaders = HTTPHeaders(replyHeaders.filter { !$0.name.lowercased().hasPrefix("access-control-") })
            }
            key = match
            if case .limited(let retryAfter, let scope) = limiter.check(
                key: match.index, client: plan.client.address, limitByIP: match.kind != .secret, now: now) {
                return refuse(Self.rateLimited(retryAfter: retryAfter, scope: scope), headers: replyHeaders)
            }
        }
        if key == nil, settings.requireWriteKey {
            return refuse(RequestRefusal(.unauthorized, .missingWriteKey,
                                         "A write key is required: HTTP Basic user, X-Write-Key header, or writeKey in the body."))
        }

        let isBot = plan.userAgent.map { UserAgentClassifier.classify($0).isBot } ?? false
        let context = IngestContext(
            receivedAt: receivedAt, transport: .http, sourceAddress: plan.client.address,
            anonymiseSourceAddress: anonymizeIP, sourceKey: key?.name, limits: limits,
            userAgent: plan.userAgent, country: plan.country)
        return .ingest(HTTPIngestWork(
            text: events.text, sender: events.sender, context: context, delivery: plan.delivery, adapter: adapter,
            replyContext: ProtocolReplyContext(route: chosen.route, delivery: plan.delivery, events: events),
            keyIndex: key?.index, limitByIP: key?.kind != .secret,
            // Secret keys are servers relaying for their users: their own HTTP library says nothing about a bot.
            dropAsBot: (settings.dropBots || events.dropsBots) && isBot && key?.kind != .secret,
            replyHeaders: replyHeaders))
    }

    /// Charges a decoded request's events to its buckets; a refusal is the 429 to send.
    func charge(_ work: HTTPIngestWork, events: Int, now: NIODeadline) -> HTTPReply? {
        guard case .limited(let retryAfter, let scope) = limiter.acquire(
            key: work.keyIndex, client: work.context.sourceAddress, limitByIP: work.limitByIP, events: events, now: now)
        else { return nil }
        return work.refusal(Self.rateLimited(retryAfter: retryAfter, scope: scope))
    }

    // MARK: - Helpers

    static func rateLimited(retryAfter: Int, scope: RateLimiter.Scope) -> RequestRefusal {
        RequestRefusal(.tooManyRequests, .rateLimited,
                       "Too many events from this \(scope == .key ? "write key" : "address"); retry after \(retryAfter) s.",
                       retryAfter: retryAfter)
    }

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

    static func split(uri: String) -> (path: Substring, query: Substring?) {
        guard let mark = uri.firstIndex(of: "?") else { return (Substring(uri), nil) }
        return (uri[..<mark], uri[uri.index(after: mark)...])
    }

    /// Whether the body is framed by a Content-Length within `limit`.
    static func hasSmallBody(_ headers: HTTPHeaders, limit: Int) -> Bool {
        guard !headers[canonicalForm: "transfer-encoding"].contains(where: { $0.lowercased() == "chunked" }),
              let length = headers.first(name: "content-length").flatMap({ Int($0.trimmingSpaces) }) else { return false }
        return length <= limit
    }

    /// Whether the request carries a body (a Content-Length above 0, or chunked).
    static func hasBody(_ headers: HTTPHeaders) -> Bool {
        if let length = headers.first(name: "content-length"), let n = Int(length.trimmingSpaces) { return n > 0 }
        return headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
    }
}
