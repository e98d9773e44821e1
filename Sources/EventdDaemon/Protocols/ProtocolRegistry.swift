/// The protocols the HTTP source serves, and which of them serves a path.
///
/// Registering a protocol is one line in `standard`. When two protocols claim one path (PostHog's
/// and Mixpanel's `/track`), both are kept in registration order and the body decides: each is asked
/// in turn and may answer `notRecognised`; the last one asked decodes whatever it gets.
struct ProtocolRegistry: Sendable {
    struct Entry: Sendable {
        let adapter: any IngestProtocol
        let route: ProtocolRoute
    }

    /// Every protocol eventd speaks, in the order they are asked about a shared path.
    static let standard = ProtocolRegistry([
        SegmentProtocol(),
        PostHogProtocol(),
        MixpanelProtocol(),
        SnowplowProtocol(),
        PlausibleProtocol(),
        UmamiProtocol(),
    ])

    let adapters: [any IngestProtocol]
    private let table: [String: [Entry]]

    init(_ adapters: [any IngestProtocol], prefixes: [String] = []) {
        self.adapters = adapters
        var table: [String: [Entry]] = [:]
        for adapter in adapters {
            for route in adapter.routes {
                table[route.key, default: []].append(Entry(adapter: adapter, route: route))
                // First-party paths: `/<prefix>/<protocol><path>`, e.g. /collect/posthog/batch/.
                for prefix in prefixes {
                    let key = ProtocolRoute.key(Substring(Self.trimmed(prefix) + "/" + adapter.name + route.path))
                    table[key, default: []].append(Entry(adapter: adapter, route: route))
                }
            }
        }
        self.table = table
    }

    /// The same protocols, also served under the first-party `prefixes` (`/collect` …).
    func servingPrefixes(_ prefixes: [String]) -> ProtocolRegistry {
        prefixes.isEmpty ? self : ProtocolRegistry(adapters, prefixes: prefixes)
    }

    /// The protocols serving `path` (without its query), in the order they are asked.
    func match(path: Substring) -> [Entry] {
        table[ProtocolRoute.key(path)] ?? []
    }

    private static func trimmed(_ prefix: String) -> String {
        var p = prefix
        while p.hasSuffix("/") { p.removeLast() }
        if !p.hasPrefix("/") { p = "/" + p }
        return p
    }
}
