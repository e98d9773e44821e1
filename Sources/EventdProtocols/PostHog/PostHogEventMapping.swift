import EventdCore

/// How one PostHog event becomes one `analytics.events` row. `table` is the documentation of `map`
/// (docs/protocols/posthog.md is rendered from it); keep the two together.
public enum PostHogEventMapping {
    public static let table: [ColumnMapping] = [
        ColumnMapping("type", "`$identify` → identify, `$create_alias` → alias, `$groupidentify` → group, `$pageview` → page, `$screen` → screen; any other event → track"),
        ColumnMapping("name", "`event` (so `$pageview`, `$autocapture` … as sent); identify, alias and group rows are named by their type"),
        ColumnMapping("message_id, event_id", "`uuid` — a UUID is the event id itself, so a resent event is stored once"),
        ColumnMapping("user_id", "`distinct_id` (else `properties.distinct_id` / `$distinct_id`); `$create_alias`: `properties.alias` (the new id); otherwise the distinct id unless the event is anonymous: `$is_identified` false, `$process_person_profile` false, or `distinct_id` equal to `$device_id`"),
        ColumnMapping("anonymous_id", "`distinct_id` of an anonymous event; for `$identify`, `properties.$anon_distinct_id`"),
        ColumnMapping("session_id", "`session_id` (capture v1), else `properties.$session_id`"),
        ColumnMapping("properties", "`properties`, with top-level `$set` / `$set_once` kept as members; group: `groupId` = `properties.$group_key`; alias: `previousId` = `distinct_id`"),
        ColumnMapping("context", "`library` {name: `$lib`, version: `$lib_version`} (v1: from the `PostHog-Sdk-Info` header); `page` {url, path, referrer} from `$current_url`, `$pathname`, `$referrer`; `userAgent` from `$raw_user_agent`"),
        ColumnMapping("original_timestamp", "`timestamp` (ISO-8601, or epoch ms); else received_at − `offset` ms; else received_at"),
        ColumnMapping("sent_at", "the event's or the batch's `sent_at`, else the query's `_` (epoch ms); none with `offset` or `$ignore_sent_at`"),
        ColumnMapping("occurred_at", "original_timestamp corrected by (received_at − sent_at), as for every protocol"),
        ColumnMapping("page_url, page_path, referrer", "`properties.$current_url`, `$pathname`, `$referrer`"),
        ColumnMapping("utm_*, click_id", "the page URL's query parameters"),
        ColumnMapping("user_agent, browser, os, device_type, is_bot", "`properties.$raw_user_agent`, else the request's User-Agent"),
        ColumnMapping("source_key", "the name of the write key given as `api_key`, `token`, `$token`, `properties.token`, or `Authorization: Bearer` (v1)"),
    ]

    /// The eventd-shaped event for one PostHog event, and its uuid (for per-event receipts).
    /// Anything that is not an object is passed on unchanged for the decoder to refuse.
    public static func map(_ event: JSONValue, batchSentAt: String?, receivedAt: Int64, sdkInfo: String? = nil) -> (JSONValue, String?) {
        guard event.isObject else { return (event, nil) }
        let props = event["properties"] ?? .object([])
        let name = event["event"]?.string
        let type: String
        switch name {
        case "$identify": type = "identify"
        case "$create_alias": type = "alias"
        case "$groupidentify": type = "group"
        case "$pageview": type = "page"
        case "$screen": type = "screen"
        default: type = "track"
        }
        var out = EventdEvent(type: type, name: name)
        if name == nil, let other = event["event"] { out.invalid.append(("event", other)) }

        let uuid = event["uuid"]?.idText
        out.messageId = uuid
        if let bad = event["uuid"], uuid == nil, !bad.isNull { out.invalid.append(("messageId", bad)) }

        // Identity: the distinct id is the user's once identified, the device's before.
        let distinctValue = event["distinct_id"] ?? props["distinct_id"] ?? event["$distinct_id"]
        let distinct = distinctValue?.idText
        if let bad = distinctValue, distinct == nil, !bad.isNull { out.invalid.append(("userId", bad)) }
        let anonymous = props["$is_identified"] == .bool(false) || props["$process_person_profile"] == .bool(false)
            || (distinct != nil && props["$device_id"]?.idText == distinct)
        if type == "identify" {
            out.userId = distinct
            out.anonymousId = props["$anon_distinct_id"]?.idText
        } else if anonymous {
            out.anonymousId = distinct
        } else {
            out.userId = distinct
        }
        out.sessionId = event["session_id"]?.idText ?? props["$session_id"]?.idText

        var properties = props.isObject ? props : (props.isNull ? .object([]) : props)
        if properties.isObject {
            properties = properties.setting("$set", event["$set"]).setting("$set_once", event["$set_once"])
        }
        out.properties = properties
        if type == "group" { out.groupId = props["$group_key"]?.idText }
        if type == "alias" {
            // `$create_alias`: `distinct_id` is the id known so far, `properties.alias` the new one.
            out.userId = props["alias"]?.idText ?? out.userId
            out.anonymousId = nil
            out.previousId = distinct
        }

        // Times: an explicit timestamp is skew-corrected by sent_at; `offset` is already relative to now.
        let ignoreSentAt = props["$ignore_sent_at"] == .bool(true)
        switch event["timestamp"] {
        case .string(let text)?: out.timestamp = text
        case .number(let n)?: out.timestamp = Double(n).flatMap { EventdEvent.iso(epoch: $0) }
        case let other? where !other.isNull: out.invalid.append(("timestamp", other))
        default:
            if let offset = event["offset"]?.doubleValue, offset.isFinite, abs(offset) < 1e12 {
                out.timestamp = EventdEvent.iso(micros: receivedAt - Int64(offset * 1000))
            }
        }
        if out.timestamp != nil, event["offset"] == nil, !ignoreSentAt {
            out.sentAt = event["sent_at"]?.string ?? batchSentAt
        }

        if let lib = props["$lib"]?.string {
            out.library(lib, props["$lib_version"]?.string)
        } else if let sdkInfo, let slash = sdkInfo.lastIndex(of: "/") {
            // Capture v1 moves $lib/$lib_version into the `PostHog-Sdk-Info: <lib>/<version>` header.
            out.library(String(sdkInfo[..<slash]), String(sdkInfo[sdkInfo.index(after: slash)...]))
        }
        out.page("url", props["$current_url"])
        out.page("path", props["$pathname"])
        if props["$referrer"]?.string != "$direct" { out.page("referrer", props["$referrer"]) }
        if let ua = props["$raw_user_agent"]?.string, !ua.isEmpty { out.context.append(("userAgent", .string(ua))) }
        return (out.json, uuid)
    }
}
