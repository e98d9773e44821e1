/// The shape of the events in a file `eventd import` reads: eventd's own (native, Segment — the
/// decoder reads both as they are) or a vendor's, rewritten by that vendor's adapter
/// (`ImportableProtocol`) exactly as live traffic on its routes is.
public enum ImportFormat: String, CaseIterable, Sendable {
    /// Each file's first record decides (`ImportFormat.sniff`).
    case auto
    case segment, native, posthog, mixpanel, snowplow

    /// The vendor adapter that rewrites this format's events; nil for eventd's own shapes.
    var adapter: (any ImportableProtocol)? {
        switch self {
        case .posthog: PostHogProtocol()
        case .mixpanel: MixpanelProtocol()
        case .snowplow: SnowplowProtocol()
        case .auto, .segment, .native: nil
        }
    }

    /// The format of a file whose first record is `text`. Snowplow's string maps are the most
    /// distinctive, then PostHog's top-level distinct id, then Mixpanel's `properties`; anything else
    /// is eventd's own shape (and a record that is not JSON is left for the decoder to refuse).
    static func sniff(_ text: UnsafeRawBufferPointer, maxDepth: Int) -> ImportFormat {
        guard let record = JSONValue.parse(Array(text), maxDepth: maxDepth) else { return .native }
        for format in [ImportFormat.snowplow, .posthog, .mixpanel] where format.adapter?.recognises(record) == true {
            return format
        }
        return record["type"] == nil && record["batch"] == nil ? .native : .segment
    }
}
