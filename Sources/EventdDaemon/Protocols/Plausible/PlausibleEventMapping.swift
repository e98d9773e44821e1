/// How one Plausible event becomes one `analytics.events` row (docs/protocols/plausible.md is rendered from `table`).
enum PlausibleEventMapping {
    static let table: [ColumnMapping] = [
        ColumnMapping("type", "`name` `pageview` → page_view; any other name (a goal) → user_action"),
        ColumnMapping("name", "`name`"),
        ColumnMapping("message_id, event_id", "none: a fresh UUIDv7 (Plausible sends no id)"),
        ColumnMapping("user_id, anonymous_id, session_id", "none (Plausible identifies no one)"),
        ColumnMapping("properties", "`props`, plus `revenue` and `interactive` when sent"),
        ColumnMapping("context", "`page` {url ← `url`, referrer ← `referrer`}; `domain`"),
        ColumnMapping("original_timestamp", "received_at (Plausible sends no time)"),
        ColumnMapping("page_url, page_path, referrer, utm_*, click_id", "`url`, `referrer`, and the URL's query"),
        ColumnMapping("user_agent, browser, os, device_type, is_bot", "the request's User-Agent (bots are dropped)"),
        ColumnMapping("source_key", "the name of the write key in the head, else of `domain` when it is a configured key"),
    ]

    static func map(_ event: JSONValue) -> JSONValue {
        let name = event["name"]?.string
        var out = EventdEvent(type: name == "pageview" ? "page_view" : "user_action", name: name)
        if name == nil, let other = event["name"] { out.invalid.append(("name", other)) }
        var properties = event["props"]?.isObject == true ? event["props"]! : .object([])
        properties = properties.setting("revenue", event["revenue"]).setting("interactive", event["interactive"])
        out.properties = properties
        out.page("url", event["url"] ?? event["u"])
        out.page("referrer", event["referrer"] ?? event["r"])
        if let domain = event["domain"]?.string ?? event["d"]?.string { out.context.append(("domain", .string(domain))) }
        return out.json
    }
}
