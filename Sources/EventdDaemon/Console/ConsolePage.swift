/// The frame around every console page: title, navigation, the stylesheet link and, for the live page,
/// a `<meta http-equiv="refresh">` (refreshing needs no script). `body` must already be escaped.
enum ConsolePage: String, CaseIterable, Sendable {
    case live, refusals, dashboards

    var title: String {
        switch self {
        case .live: "Live"
        case .refusals: "Refusals"
        case .dashboards: "Dashboards"
        }
    }

    var path: String { "/console/\(rawValue)" }

    func render(body: String, refreshSeconds: Int? = nil, queryMilliseconds: Double? = nil) -> String {
        let refresh = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? ""
        let navigation = Self.allCases.map { page in
            page == self ? "<a class=\"here\" href=\"\(page.path)\">\(page.title)</a>" : "<a href=\"\(page.path)\">\(page.title)</a>"
        }.joined(separator: " ")
        let timing = queryMilliseconds.map { " · SQL \(Double(Int($0 * 10)) / 10) ms" } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh)<title>eventd · \(title)</title><link rel="stylesheet" href="/console/style.css"></head>
            <body><header><strong>eventd</strong> <nav>\(navigation)</nav></header>
            <main><h1>\(title)</h1>
            \(body)
            </main><footer>eventd \(HTMLText.escape(EventdVersion.current))\(timing) · read-only</footer></body></html>
            """
    }
}
