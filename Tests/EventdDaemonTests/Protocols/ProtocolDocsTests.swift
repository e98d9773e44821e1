@testable import EventdDaemon
import Foundation
import Testing

/// docs/protocols/<name>.md are rendered from the adapters (`ProtocolDocs`): their routes and mapping
/// tables cannot drift from the code. `EVENTD_WRITE_DOCS=1` rewrites the pages instead of comparing.
struct ProtocolDocsTests {
    static let pages: [(String, String)] = [("posthog", "PostHog"), ("mixpanel", "Mixpanel"), ("snowplow", "Snowplow"), ("plausible", "Plausible"),
                                                  ("umami", "Umami")]

    static var docs: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/protocols")
    }

    @Test(arguments: pages)
    func committedPageEqualsTheAdaptersRendering(name: String, title: String) throws {
        let adapter = try #require(ProtocolRegistry.standard.adapters.first { $0.name == name })
        let rendered = ProtocolDocs.page(adapter, title: title)
        let file = Self.docs.appendingPathComponent("\(name).md")
        if ProcessInfo.processInfo.environment["EVENTD_WRITE_DOCS"] == "1" {
            try FileManager.default.createDirectory(at: Self.docs, withIntermediateDirectories: true)
            try rendered.write(to: file, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: file, encoding: .utf8)
        #expect(committed == rendered, "docs/protocols/\(name).md differs from the adapter: EVENTD_WRITE_DOCS=1 swift test --filter ProtocolDocsTests")
    }

    @Test func everyRouteOfEveryProtocolIsServedAndOnlyTrackIsShared() {
        let registry = ProtocolRegistry.standard
        var shared: Set<String> = []
        for adapter in registry.adapters {
            for route in adapter.routes {
                let entries = registry.match(path: Substring(route.path))
                #expect(entries.contains { $0.adapter.name == adapter.name && $0.route == route }, "\(route.path)")
                if entries.count > 1 { shared.insert(route.key) }
            }
        }
        #expect(shared == ["/track"])
        let prefixed = registry.servingPrefixes(["/collect/"])
        #expect(prefixed.match(path: "/collect/posthog/batch/").first?.adapter.name == "posthog")
        #expect(prefixed.match(path: "/collect/mixpanel/track").first?.adapter.name == "mixpanel")
        #expect(prefixed.match(path: "/collect/segment/v1/batch").first?.adapter.name == "segment")
    }
}
