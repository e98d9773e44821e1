/// How one Mixpanel event (or `/engage` profile update) becomes one `analytics.events` row.
/// `table` documents `map` and `mapProfileUpdate` (docs/protocols/mixpanel.md is rendered from it).
public enum MixpanelEventMapping {
    public static let table: [ColumnMapping] = [
        ColumnMapping("type", "`/track`, `/import`: track (`$mp_web_page_view` → page, `$identify` → identify, `$create_alias` → alias); `/engage`: identify; `/groups`: group"),
        ColumnMapping("name", "`event`; `/engage`: identify; `/groups`: group"),
        ColumnMapping("message_id, event_id", "`properties.$insert_id` (hashed to a stable UUID, so a resent event is stored once); none ⇒ a fresh UUIDv7"),
        ColumnMapping("user_id", "`properties.$user_id`, else `distinct_id` unless it is the device's (`$device:` prefix or equal to `$device_id`); `/engage`: `$distinct_id`"),
        ColumnMapping("anonymous_id", "`properties.$device_id`, else a `$device:` distinct id; `/groups` (which names no user): `$group_key:$group_id`, the group itself"),
        ColumnMapping("properties", "`properties` without `token`; `/engage`, `/groups`: the update's operations (`$set`, `$set_once`, `$add`, `$union`, `$append`, `$remove`, `$unset`, `$delete`), and for `/groups` `$group_key` and `groupId` = `$group_id`; alias: `previousId` = `properties.alias`"),
        ColumnMapping("context", "`library` {name: `mp_lib`, version: `$lib_version`}; `page` {url, referrer} from `$current_url`, `$referrer`"),
        ColumnMapping("original_timestamp", "`properties.time` (epoch seconds, or milliseconds when above 10^11); `/engage`, `/groups`: `$time`; none ⇒ received_at"),
        ColumnMapping("sent_at", "none: Mixpanel sends no send time, so no skew correction"),
        ColumnMapping("page_url, referrer", "`properties.$current_url`, `$referrer`"),
        ColumnMapping("source_key", "the name of the write key given as `properties.token` (`$token` for `/engage` and `/groups`), or as the HTTP Basic user (`/import`'s API secret)"),
    ]

    /// An event of `/track` or `/import`, and its `$insert_id`.
    public static func map(_ record: JSONValue) -> (JSONValue, String?) {
        guard record.isObject else { return (record, nil) }
        let props = record["properties"] ?? .object([])
        let name = record["event"]?.string
        let type: String
        switch name {
        case "$mp_web_page_view": type = "page"
        case "$identify": type = "identify"
        case "$create_alias": type = "alias"
        default: type = "track"
        }
        var out = EventdEvent(type: type, name: name)
        if name == nil, let other = record["event"] { out.invalid.append(("event", other)) }
        let insertID = props["$insert_id"]?.idText
        out.messageId = insertID

        let distinct = props["distinct_id"]?.idText
        let device = props["$device_id"]?.idText
        let deviceDistinct = distinct.map { $0.hasPrefix("$device:") || $0 == device } ?? false
        out.userId = props["$user_id"]?.idText ?? (deviceDistinct ? nil : distinct)
        out.anonymousId = device ?? (deviceDistinct ? distinct : nil)
        if type == "identify" { out.anonymousId = props["$anon_distinct_id"]?.idText ?? out.anonymousId }
        if type == "alias" { out.previousId = props["alias"]?.idText }

        if let time = props["time"] {
            if let seconds = time.doubleValue, let iso = EventdEvent.iso(epoch: seconds) {
                out.timestamp = iso
            } else if !time.isNull {
                out.invalid.append(("timestamp", time))
            }
        }
        out.properties = props.isObject ? props.removing(["token"]) : props
        out.library(props["mp_lib"]?.string, props["$lib_version"]?.string)
        out.page("url", props["$current_url"])
        if props["$referrer"]?.string != "$direct" { out.page("referrer", props["$referrer"]) }
        return (out.json, insertID)
    }

    /// An `/engage` profile update (`{"$token", "$distinct_id", "$time", "$set": {…}}`) as an identify event.
    public static func mapProfileUpdate(_ record: JSONValue) -> (JSONValue, String?) {
        guard record.isObject else { return (record, nil) }
        var out = EventdEvent(type: "identify")
        out.userId = record["$distinct_id"]?.idText
        if let device = record["$device_id"]?.idText { out.anonymousId = device }
        if let time = record["$time"]?.doubleValue { out.timestamp = EventdEvent.iso(epoch: time) }
        out.properties = record.removing(["$token", "$distinct_id", "$time", "$device_id", "$ip", "$ignore_time", "$ignore_alias"])
        return (out.json, nil)
    }

    /// A `/groups` group profile update (`{"$token", "$group_key", "$group_id", "$set": {…}}`) as a
    /// group event. It names no user, so the group itself (`key:id`) is the row's anonymous id.
    public static func mapGroupUpdate(_ record: JSONValue) -> (JSONValue, String?) {
        guard record.isObject else { return (record, nil) }
        var out = EventdEvent(type: "group")
        let key = record["$group_key"]?.idText
        let id = record["$group_id"]?.idText
        out.groupId = id
        if let key, let id { out.anonymousId = "\(key):\(id)" }
        if let time = record["$time"]?.doubleValue { out.timestamp = EventdEvent.iso(epoch: time) }
        out.properties = record.removing(["$token", "$group_id", "$time", "$ip", "$ignore_time"])
        return (out.json, nil)
    }
}
