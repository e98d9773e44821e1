import EventdHTTPBody

/// How one Snowplow tracker payload (a string map) becomes one `analytics.events` row.
/// `table` documents `map` (docs/protocols/snowplow.md is rendered from it).
public enum SnowplowEventMapping {
    public static let table: [ColumnMapping] = [
        ColumnMapping("type, name", "`e`: `pv` → page (name: `page`, the title; else \"page\"); `se` → track named by `se_ac`; `ue` → track named by the self-describing event's schema name (`iglu:com.acme/button_click/jsonschema/1-0-0` → `button_click`); `pp` → track `page_ping`; `tr` → track `transaction`; `ti` → track `transaction_item`; any other → track named by `e`"),
        ColumnMapping("message_id, event_id", "`eid` (a UUID: the event id itself)"),
        ColumnMapping("user_id", "`uid`"),
        ColumnMapping("anonymous_id", "`duid`, else `nuid` / `tnuid`"),
        ColumnMapping("session_id", "`sid`"),
        ColumnMapping("properties", "`ue`: the event's `data` (from `ue_pr`, or base64url `ue_px`); `se`: {category, action, label, property, value}; `tr`/`ti`: their fields; `pv`/`pp`: {title}"),
        ColumnMapping("context", "`contexts`: the entities of `co` (or base64url `cx`); `schema`: a self-describing event's schema; `app` {id: `aid`, platform: `p`, namespace: `tna`}; `library` {name: `tv`}; `userAgent` ← `ua`; `locale` ← `lang`; `page` {url ← `url`, referrer ← `refr`}"),
        ColumnMapping("original_timestamp", "`ttm` (true timestamp, ms), else `dtm` (device created, ms)"),
        ColumnMapping("sent_at", "`stm` (device sent, ms), for skew correction as Snowplow's `derived_tstamp`; none with `ttm`"),
        ColumnMapping("page_url, page_path, referrer, utm_*, click_id", "`url` and `refr`, and the URL's query"),
        ColumnMapping("user_agent, browser, os, device_type, is_bot", "`ua`, else the request's User-Agent"),
        ColumnMapping("source_key", "the name of the write key in the request head (`X-Write-Key`, `Authorization`, `?writeKey=`), else of `aid` when it is a configured key"),
    ]

    public static func map(_ payload: JSONValue) -> (JSONValue, String?) {
        guard payload.isObject else { return (payload, nil) }
        func field(_ key: String) -> String? {
            guard let v = payload[key]?.string, !v.isEmpty else { return nil }
            return v
        }
        let e = field("e") ?? "ue"
        var out: EventdEvent
        var properties: [(String, JSONValue)] = []
        switch e {
        case "pv":
            out = EventdEvent(type: "page", name: field("page"))
            if let title = field("page") { properties.append(("title", .string(title))) }
        case "pp":
            out = EventdEvent(type: "track", name: "page_ping")
            if let title = field("page") { properties.append(("title", .string(title))) }
            for key in ["pp_mix", "pp_max", "pp_miy", "pp_may"] { if let v = field(key) { properties.append((key, .string(v))) } }
        case "se":
            out = EventdEvent(type: "track", name: field("se_ac"))
            for (key, name) in [("se_ca", "category"), ("se_ac", "action"), ("se_la", "label"), ("se_pr", "property")] {
                if let v = field(key) { properties.append((name, .string(v))) }
            }
            if let v = field("se_va") { properties.append(("value", Double(v) != nil ? .number(v) : .string(v))) }
        case "ue":
            let event = selfDescribing(plain: field("ue_pr"), base64: field("ue_px"))
            let schema = event?["data"]?["schema"]?.string ?? event?["schema"]?.string
            let inner = event?["data"]?["data"]
            out = EventdEvent(type: "track", name: schema.map(schemaName) ?? field("ue_na"))
            if let schema { out.context.append(("schema", .string(schema))) }
            if let inner, inner.isObject { properties = inner.members ?? [] } else if let inner { out.invalid.append(("properties", inner)) }
        case "tr", "ti":
            out = EventdEvent(type: "track", name: e == "tr" ? "transaction" : "transaction_item")
            for (key, value) in payload.members ?? [] where key.hasPrefix(e + "_") {
                properties.append((String(key.dropFirst(3)), value))
            }
        default:
            out = EventdEvent(type: "track", name: e)
        }
        out.properties = .object(properties)
        let eid = field("eid")
        out.messageId = eid
        out.userId = field("uid")
        out.anonymousId = field("duid") ?? field("nuid") ?? field("tnuid")
        out.sessionId = field("sid")
        if let ttm = field("ttm").flatMap(Double.init) {
            out.timestamp = EventdEvent.iso(epoch: ttm)
        } else if let dtm = field("dtm").flatMap(Double.init) {
            out.timestamp = EventdEvent.iso(epoch: dtm)
            out.sentAt = field("stm").flatMap(Double.init).flatMap { EventdEvent.iso(epoch: $0) }
        }
        if let contexts = selfDescribing(plain: field("co"), base64: field("cx"))?["data"], case .array = contexts {
            out.context.append(("contexts", contexts))
        }
        var app: [(String, JSONValue)] = []
        for (key, name) in [("aid", "id"), ("p", "platform"), ("tna", "namespace")] { if let v = field(key) { app.append((name, .string(v))) } }
        if !app.isEmpty { out.context.append(("app", .object(app))) }
        out.library(field("tv"), nil)
        if let ua = field("ua") { out.context.append(("userAgent", .string(ua))) }
        if let lang = field("lang") { out.context.append(("locale", .string(lang))) }
        out.page("url", payload["url"])
        out.page("referrer", payload["refr"])
        return (out.json, eid)
    }

    /// A self-describing JSON given as JSON text, or as base64url of it.
    static func selfDescribing(plain: String?, base64: String?) -> JSONValue? {
        if let plain { return JSONValue.parse(Array(plain.utf8)) }
        guard let base64, let bytes = Base64Decoding.decode(Array(base64.utf8)) else { return nil }
        return JSONValue.parse(bytes)
    }

    /// `iglu:com.acme/button_click/jsonschema/1-0-0` → `button_click`.
    static func schemaName(_ uri: String) -> String {
        let parts = uri.split(separator: "/")
        return parts.count >= 2 ? String(parts[1]) : uri
    }
}
