import NIOHTTP1

/// Renders a protocol's docs page (docs/protocols/<name>.md) from the adapter itself — routes,
/// prose, mapping table — so the page cannot drift from the code: `ProtocolDocsTests` fails when a
/// committed page differs from this rendering (and rewrites it with `EVENTD_WRITE_DOCS=1`).
enum ProtocolDocs {
    static func page(_ adapter: any IngestProtocol, title: String) -> String {
        var out = "<!-- Generated from Sources/EventdDaemon/Protocols (ProtocolDocs); do not edit by hand:\n"
        out += "     EVENTD_WRITE_DOCS=1 swift test --filter ProtocolDocsTests rewrites it. -->\n"
        out += "# \(title)\n\n"
        out += adapter.guide.trimmingCharacters(in: "\n") + "\n\n"
        out += "## Routes\n\n| method | path |\n|---|---|\n"
        for route in adapter.routes {
            let methods = (route.methods + [.OPTIONS]).map(\.rawValue).joined(separator: ", ")
            let path = route.path.count > 1 && route.path.hasSuffix("/") ? "`\(route.path.dropLast())`, `\(route.path)`" : "`\(route.path)`"
            let note = route.delivery == .beacon ? " (answered at once)" : route.delivery == .pixel ? " (answered with a GIF)" : ""
            out += "| \(methods) | \(path)\(note) |\n"
        }
        out += "\nEvery route is also served under each first-party prefix (`sources.http.path_prefixes`, e.g. "
        out += "`/collect/\(adapter.name)/…`), for pages whose visitors run ad blockers.\n"
        out += "\n## Mapping to `analytics.events`\n\n| column | from |\n|---|---|\n"
        for row in adapter.mapping { out += "| \(row.column) | \(row.source) |\n" }
        out += "\nEvery other column (received_at, transport, source_ip, the user-agent and UTM columns, country) "
        out += "is filled as for every protocol: see the native mapping (`EventMapping`). Refused events land in "
        out += "`analytics.rejected_events` with their reason.\n"
        return out
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
