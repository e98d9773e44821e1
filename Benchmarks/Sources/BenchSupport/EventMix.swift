/// The realistic event mix the harness sends: the seed's event types and names with their property
/// shapes (`005_seed_data.sql`), a browser context (page URL with UTM parameters, referrer, user
/// agent, locale, country) for browser events, a library tag for server-side ones; 200–600 bytes
/// per event (`eventd-loadgen mix` prints the distribution).
///
/// Events are pre-rendered once into `EventTemplate`s; sending one is a copy plus three fixed-width
/// patches (id, timestamp, `properties.sent_ns`), so the load generator costs ~0.1 µs per event and
/// does not compete with eventd for the CPU it is measuring.
public struct EventMix: Sendable {
    /// Which wire shape the events take.
    public enum Shape: String, Sendable, CaseIterable {
        /// eventd's native shape (`type` = page_view, user_action, …; `name`; snake_case ids).
        case native
        /// Segment's message shape (`type` = track/page; `event`; `messageId`, `anonymousId`).
        case segment
        /// A PostHog event as posthog-python / posthog-js send it (`event`, `distinct_id`, `uuid`,
        /// `$`-properties, `properties.token`).
        case posthog
        /// A Mixpanel event as mixpanel-python sends it (`event`; `properties` with `token`, `time` in
        /// ms, `distinct_id`, `$insert_id`).
        case mixpanel
        /// One Snowplow tp2 string map as the JavaScript and Python trackers send it (`e` = `pv`, else
        /// `ue` with the self-describing event in `ue_pr`; `eid`, `dtm`, `duid`, `uid`, `sid`).
        case snowplow
    }

    public let shape: Shape
    public let templates: [EventTemplate]

    /// Renders `count` templates from a seeded generator: the same seed gives the same events.
    /// `writeKey` goes where the vendor's clients put their token (PostHog's and Mixpanel's
    /// `properties.token`); native and Segment events do not carry it.
    public init(shape: Shape, seed: UInt64 = 42, count: Int = 4096, writeKey: String = "sk_bench_0123456789abcdef") {
        self.shape = shape
        var rng = SplitMix64(seed: seed)
        templates = (0..<count).map { n in EventTemplate.render(n: n, shape: shape, writeKey: writeKey, rng: &rng) }
    }

    /// Mean template size in bytes.
    public var meanBytes: Int { templates.reduce(0) { $0 + $1.bytes.count } / max(1, templates.count) }
}

/// One pre-rendered event with the offsets of its three placeholders.
public struct EventTemplate: Sendable {
    public var bytes: [UInt8]
    /// 36 bytes: the event's UUID (`id` / `messageId`).
    public var idOffset: Int
    /// The event's time: 24 bytes of ISO-8601 (millisecond precision, `Z`), or 13 digits of epoch
    /// milliseconds (`timestampIsEpochMillis`: Mixpanel's `time`, Snowplow's `dtm`).
    public var timestampOffset: Int
    public var timestampIsEpochMillis = false
    /// 19 bytes: `properties.sent_ns`, the send time in ns since the epoch (latency probe); nil where
    /// the shape has no place for it (a Snowplow page view).
    public var sentNsOffset: Int?

    static let idPlaceholder = "00000000-0000-4000-8000-000000000000"
    static let timestampPlaceholder = "2000-01-01T00:00:00.000Z"
    static let epochMillisPlaceholder = "1000000000000"
    static let sentNsPlaceholder = "1000000000000000000"

    static func render(n: Int, shape: EventMix.Shape, writeKey: String, rng: inout SplitMix64) -> EventTemplate {
        let kind = Int(rng.next() % 100)
        let sess = Int(rng.next() % 50_000)
        let geo = Int(rng.next() % 100)
        let dev = Int(rng.next() % 100)
        let spec = EventKind.pick(kind: kind, n: n)
        let page = spec.path
        let (country, locale) = geo < 30 ? ("US", "en-US") : geo < 45 ? ("DE", "de-DE") : geo < 58 ? ("GB", "en-GB")
            : geo < 68 ? ("NL", "en") : geo < 76 ? ("FR", "en") : geo < 84 ? ("ES", "en") : geo < 90 ? ("IT", "en") : ("BR", "en")
        let ua = dev < 35 ? "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
            : dev < 55 ? "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0"
            : dev < 90 ? "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
            : dev < 97 ? "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
            : "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        let campaign = [("google", "cpc", "whatsapp-reminders"), ("linkedin", "paid-social", "enterprise-q3"), nil,
                        ("newsletter", "email", "spring-promo"), nil][sess % 5]
        let referrer = ["https://www.google.com/", "https://www.linkedin.com/", nil, "https://news.ycombinator.com/", nil][sess % 5]
        var url = "https://www.example.com" + page
        if let campaign { url += "?utm_source=\(campaign.0)&utm_medium=\(campaign.1)&utm_campaign=\(campaign.2)" }
        if sess % 7 == 0 { url += (campaign == nil ? "?" : "&") + "gclid=Cj0KCQjw\(sess)" }

        let visit = VendorVisit(spec: spec, sess: sess, url: url, referrer: referrer, ua: ua, locale: locale, writeKey: writeKey)
        var out = TemplateWriter()
        out.raw("{")
        switch shape {
        case .posthog: return visit.posthog()
        case .mixpanel: return visit.mixpanel()
        case .snowplow: return visit.snowplow()
        case .native:
            out.raw(#""id":""#); let idOffset = out.placeholder(idPlaceholder); out.raw(#"","#)
            out.raw(#""type":"\#(spec.type)","name":"\#(spec.name)","session_id":"sess_\#(sess)","#)
            out.raw(#""anonymous_id":"anon_\#(sess / 2)","#)
            if sess % 4 == 0 { out.raw(#""user_id":"user_\#(sess % 9973)","#) }
            out.raw(#""timestamp":""#); let tsOffset = out.placeholder(timestampPlaceholder); out.raw(#"","#)
            let sentOffset = out.properties(spec.properties)
            out.context(url: url, path: page, referrer: referrer, ua: ua, locale: locale, country: country, sess: sess,
                        serverSide: spec.serverSide)
            out.raw("}")
            return EventTemplate(bytes: out.bytes, idOffset: idOffset, timestampOffset: tsOffset, sentNsOffset: sentOffset)
        case .segment:
            out.raw(#""messageId":""#); let idOffset = out.placeholder(idPlaceholder); out.raw(#"","#)
            if spec.type == "page_view" {
                out.raw(#""type":"page","name":"\#(spec.name)","#)
            } else {
                out.raw(#""type":"track","event":"\#(spec.name)","#)
            }
            out.raw(#""anonymousId":"anon_\#(sess / 2)","#)
            if sess % 4 == 0 { out.raw(#""userId":"user_\#(sess % 9973)","#) }
            out.raw(#""timestamp":""#); let tsOffset = out.placeholder(timestampPlaceholder); out.raw(#"","#)
            let sentOffset = out.properties(spec.properties)
            out.context(url: url, path: page, referrer: referrer, ua: ua, locale: locale, country: country, sess: sess,
                        serverSide: spec.serverSide)
            out.raw("}")
            return EventTemplate(bytes: out.bytes, idOffset: idOffset, timestampOffset: tsOffset, sentNsOffset: sentOffset)
        }
    }
}

/// The seed's event kinds (`005_seed_data.sql`): weights, names and property shapes.
struct EventKind {
    var type: String
    var name: String
    var path: String
    var properties: String
    /// Sent by a backend (no browser context).
    var serverSide: Bool { type == "whatsapp" || type == "conversion" || type == "system" }

    static func pick(kind: Int, n: Int) -> EventKind {
        let paths = ["/", "/pricing", "/features", "/blog/whatsapp-api-guide", "/docs", "/use-cases"]
        switch kind {
        case ..<52:
            let names = ["Home", "Pricing", "Features", "Blog Post", "Docs", "Use Cases"]
            return .init(type: "page_view", name: names[n % 6], path: paths[n % 6],
                         properties: #""title":"Page \#(n % 6)","load_ms":\#(300 + n % 900)"#)
        case ..<67:
            let names = ["cta_click", "demo_request", "pricing_toggle", "video_play"]
            return .init(type: "user_action", name: names[n % 4], path: "/demo",
                         properties: #""element":"button","value":\#(1 + n % 5),"label":"Book a demo""#)
        case ..<75:
            let names = ["lead_form", "newsletter_signup"]
            return .init(type: "form_submit", name: names[n % 2], path: "/demo",
                         properties: #""form":"lead","fields":\#(3 + n % 4),"company_size":"11-50","consent":true"#)
        case ..<83:
            let steps = ["business_info", "whatsapp_connection", "bot_setup", "templates", "go_live"]
            return .init(type: "onboarding", name: n % 2 == 0 ? "step_viewed" : "step_completed", path: "/onboarding",
                         properties: #""step":"\#(steps[n % 5])","duration_ms":\#(1200 + n % 60000)"#)
        case ..<88:
            return .init(type: "experiment", name: "experiment_viewed", path: "/",
                         properties: #""experiment":"homepage_hero_cta","variant":"\#(n % 2 == 0 ? "control" : "book_demo")""#)
        case ..<92:
            let names = ["message_sent", "message_delivered", "message_read"]
            return .init(type: "whatsapp", name: names[n % 3], path: "/app",
                         properties: #""template":"appointment_reminder","value":0.005,"wa_message_id":"wamid.HBgL\#(n)""#)
        case ..<95:
            return .init(type: "conversion", name: n % 2 == 0 ? "signup" : "subscription_started", path: "/app",
                         properties: #""plan":"\#(n % 2 == 0 ? "starter" : "growth")","revenue":\#(n % 2 == 0 ? 49 : 149),"currency":"EUR""#)
        case ..<97:
            return .init(type: "system", name: "heartbeat", path: "/app", properties: #""uptime_s":\#(n * 7)"#)
        default:
            return .init(type: "error", name: "js_error", path: "/app",
                         properties: #""message":"TypeError: cannot read properties of undefined (reading 'map')","fatal":false,"line":\#(n % 400)"#)
        }
    }
}

/// Builds a template's bytes and remembers where the placeholders are.
struct TemplateWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func placeholder(_ s: String) -> Int {
        let offset = bytes.count
        raw(s)
        return offset
    }

    /// `"properties":{"sent_ns":…,<shape>}`; returns the offset of the sent_ns digits.
    mutating func properties(_ shape: String) -> Int {
        raw(#""properties":{"sent_ns":"#)
        let offset = placeholder(EventTemplate.sentNsPlaceholder)
        raw(",")
        raw(shape)
        raw("},")
        return offset
    }

    /// Browser events carry the page (the daemon derives page_path and UTM columns from the URL), half
    /// of them the user agent; server-side events (whatsapp, conversion, system) only the library.
    mutating func context(url: String, path: String, referrer: String?, ua: String?, locale: String, country: String,
                          sess: Int, serverSide: Bool) {
        if serverSide {
            raw(#""context":{"library":{"name":"eventd-node","version":"2.0.1"}}"#)
            return
        }
        raw(#""context":{"page":{"url":"\#(url)""#)
        if let referrer { raw(#","referrer":"\#(referrer)""#) }
        raw("}")
        // The user agent on half of them, where the event stays within the mix's 600-byte bound.
        if sess % 2 == 0, let ua, bytes.count + ua.utf8.count + 100 <= 600 { raw(#","userAgent":"\#(ua)""#) }
        raw(#","locale":"\#(locale)","location":{"country":"\#(country)"}}"#)
    }
}

/// A small, fast, seedable generator (Steele et al.'s SplitMix64): the same seed, the same events.
public struct SplitMix64: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
