/// `analytics.event_type`: the closed set of event types (exact spelling of the PostgreSQL enum).
public enum EventType: String, CaseIterable, Sendable {
    case pageView = "page_view", userAction = "user_action", formSubmit = "form_submit"
    case conversion, onboarding, experiment, whatsapp, system, error
    case track, page, screen, identify, group, alias

    /// Segment's spec types: they follow the Segment field mapping and need a userId or anonymousId.
    public var isSegment: Bool {
        switch self {
        case .track, .page, .screen, .identify, .group, .alias: true
        default: false
        }
    }

    /// The enum text as a static string (written into COPY rows without allocating).
    var staticText: StaticString {
        switch self {
        case .pageView: "page_view"
        case .userAction: "user_action"
        case .formSubmit: "form_submit"
        case .conversion: "conversion"
        case .onboarding: "onboarding"
        case .experiment: "experiment"
        case .whatsapp: "whatsapp"
        case .system: "system"
        case .error: "error"
        case .track: "track"
        case .page: "page"
        case .screen: "screen"
        case .identify: "identify"
        case .group: "group"
        case .alias: "alias"
        }
    }

    /// Matches raw (escape-free) bytes against the enum values.
    static func match(_ p: UnsafePointer<UInt8>, _ n: Int) -> EventType? {
        for t in allCases {
            let s = t.staticText
            if s.utf8CodeUnitCount == n && memcmpEqual(p, s.utf8Start, n) { return t }
        }
        return nil
    }
}
