/// One answer of the console, written by the admin listener as it is.
struct ConsoleResponse: Sendable {
    var status: Int
    var contentType: String
    var body: String
    var headers: [(String, String)] = []

    /// What every console answer carries: nothing is cached, framed, sniffed or given a referrer, and a
    /// page may load only the console's own stylesheet — no script, no inline style, nothing remote.
    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
    ]

    static func html(_ body: String, status: Int = 200) -> ConsoleResponse {
        ConsoleResponse(status: status, contentType: "text/html; charset=utf-8", body: body)
    }

    static func text(_ body: String, status: Int) -> ConsoleResponse {
        ConsoleResponse(status: status, contentType: "text/plain; charset=utf-8", body: body)
    }
}
