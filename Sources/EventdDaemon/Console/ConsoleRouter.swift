import EventdCore

/// `/console/…` on the admin listener: checks the credential, then hands the request to its page.
/// Built only when `[console]` has credentials; without it the admin listener answers 404 there.
public final class ConsoleRouter: Sendable {
    private let auth: ConsoleAuth
    let live: LivePage
    let refusals: RefusalsPage
    let dashboards: DashboardsPage

    init(config: ConsoleConfig, ring: RingConfig, readPath: ConsoleReadPath, history: ConsoleHistory) {
        auth = ConsoleAuth(config)
        live = LivePage(history: history, readPath: readPath, ring: ring)
        refusals = RefusalsPage(readPath: readPath)
        dashboards = DashboardsPage(readPath: readPath)
    }

    /// Whether the admin listener should pass `path` here.
    static func owns(_ path: String) -> Bool { path == "/console" || path.hasPrefix("/console/") }

    func respond(to request: ConsoleRequest) async -> ConsoleResponse {
        var response = await route(request)
        response.headers += ConsoleResponse.securityHeaders
        return response
    }

    private func route(_ request: ConsoleRequest) async -> ConsoleResponse {
        // The stylesheet holds no data, and a browser may fetch it before it sends credentials.
        if request.path == "/console/style.css" {
            return ConsoleResponse(status: 200, contentType: "text/css; charset=utf-8", body: ConsoleStyle.css)
        }
        guard auth.allows(request.authorization) else {
            var refused = ConsoleResponse.text("the console needs its token or user and password\n", status: 401)
            refused.headers.append(("WWW-Authenticate", auth.challenge))
            return refused
        }
        switch request.path {
        case "/console", "/console/", ConsolePage.live.path:
            return await live.render()
        case ConsolePage.refusals.path:
            return await refusals.render(RefusalsPage.Filter(request.query))
        case ConsolePage.dashboards.path:
            return await dashboards.render()
        default:
            return .text("not found: try /console/live, /console/refusals or /console/dashboards\n", status: 404)
        }
    }
}
