import NIOHTTP1

/// Which protocol serves the path, and whether with this method: `404` for a path nothing serves,
/// `405` (with `Allow`) for a method none of its protocols accepts. Also serves what is not ingest
/// on the collector's port: the web SDK, and test-only pages.
struct RouteHeadPolicy: HTTPHeadPolicy {
    let registry: ProtocolRegistry
    /// Paths the web SDK is served at (`sdk_path`, and under each path prefix); empty when off.
    let sdkPaths: Set<String>
    let testOnly_pages: [String: String]

    init(registry: ProtocolRegistry, sdkPaths: Set<String> = [], testOnly_pages: [String: String] = [:]) {
        self.registry = registry
        self.sdkPaths = sdkPaths
        self.testOnly_pages = testOnly_pages
    }

    func check(_ request: inout HTTPHeadCheck) -> HTTPHeadVerdict {
        let head = request.head, path = request.path
        if let page = testOnly_pages[String(path)], head.method == .GET {
            return .answer(HTTPReply(status: .ok, body: Array(page.utf8), contentType: "text/html; charset=utf-8"))
        }
        if sdkPaths.contains(String(path)), head.method == .GET || head.method == .HEAD {
            return .answer(WebSDKAsset.shared.reply(to: head))
        }
        request.served = registry.match(path: path)
        guard !request.served.isEmpty else {
            return request.refuse(.failure(.notFound, .notFound, "Nothing is served at \(path); try POST /v1/batch."), withCORS: false)
        }
        // A preflight is for any method of the path: `CORSHeadPolicy` answers it.
        guard head.method != .OPTIONS else { return .next }
        request.candidates = request.served.filter { $0.route.methods.contains(head.method) }
        guard request.candidates.isEmpty else { return .next }
        var methods: [String] = []
        for entry in request.served {
            for method in entry.route.methods where !methods.contains(method.rawValue) { methods.append(method.rawValue) }
        }
        let accepted = methods.joined(separator: ", ")
        var reply = request.adapter.refusal(RequestRefusal(.methodNotAllowed, .methodNotAllowed, "\(path) accepts \(accepted) and OPTIONS."))
        reply.headers.add(name: "Allow", value: "\(accepted), OPTIONS")
        return request.refuse(reply, withCORS: false)
    }
}
