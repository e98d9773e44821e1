/// How one Umami call becomes one `analytics.events` row (docs/protocols/umami.md is rendered from `table`).
enum UmamiEventMapping {
    static let table: [ColumnMapping] = [
        ColumnMapping("type", "`payload.name` present → user_action; absent → page_view; `type` `identify` → user_action named `identify`"),
        ColumnMapping("name", "`payload.name`; page views: `pageview`"),
        ColumnMapping("message_id, event_id", "none: a fresh UUIDv7 (Umami sends no id)"),
        ColumnMapping("user_id", "`payload.id` (an `identify` call's distinct id)"),
        ColumnMapping("properties", "`payload.data`, plus `title`"),
        ColumnMapping("context", "`page` {url ← `https://` + `hostname` + `url`, referrer ← `referrer`}; `locale` ← `language`; `screen`; `website`"),
        ColumnMapping("original_timestamp", "`payload.timestamp` (epoch seconds) when sent, else received_at"),
        ColumnMapping("page_url, page_path, referrer, utm_*, click_id", "from the page URL above and `referrer`"),
        ColumnMapping("user_agent, browser, os, device_type, is_bot", "the request's User-Agent (bots are dropped)"),
        ColumnMapping("source_key", "the name of the write key in the head, else of `website` when it is a configured key"),
    ]

    static func map(type: String?, _ payload: JSONValue) -> JSONValue {
        let name = payload["name"]?.string
        var out: EventdEvent
        if type == "identify" {
            out = EventdEvent(type: "user_action", name: "identify")
        } else {
            out = EventdEvent(type: name == nil ? "page_view" : "user_action", name: name ?? "pageview")
        }
        out.userId = payload["id"]?.idText
        var properties = payload["data"]?.isObject == true ? payload["data"]! : .object([])
        properties = properties.setting("title", payload["title"])
        out.properties = properties
        if let path = payload["url"]?.string {
            let host = payload["hostname"]?.string ?? ""
            out.page("url", .string(path.hasPrefix("http") || host.isEmpty ? path : "https://\(host)\(path)"))
        }
        out.page("referrer", payload["referrer"])
        if let lang = payload["language"]?.string { out.context.append(("locale", .string(lang))) }
        if let screen = payload["screen"]?.string { out.context.append(("screen", .string(screen))) }
        if let website = payload["website"]?.string { out.context.append(("website", .string(website))) }
        if let ts = payload["timestamp"]?.doubleValue { out.timestamp = EventdEvent.iso(epoch: ts) }
        return out.json
    }
}
