/// One event of the mix in a vendor's shape, as that vendor's own client libraries write it
/// (field names and value types taken from posthog-python/-js, mixpanel-python and the Snowplow
/// trackers), with the same placeholders as the native and Segment templates.
struct VendorVisit {
    var spec: EventKind
    var sess: Int
    var url: String
    var referrer: String?
    var ua: String?
    var locale: String
    var writeKey: String

    private var identified: Bool { sess % 4 == 0 }
    private var anonymousID: String { "anon_\(sess / 2)" }
    private var userID: String { "user_\(sess % 9973)" }

    /// `{"uuid":…,"event":…,"distinct_id":…,"timestamp":…,"properties":{…,"token":…,"$lib":…}}`;
    /// page views are `$pageview`.
    func posthog() -> EventTemplate {
        var out = TemplateWriter()
        out.raw(#"{"uuid":""#); let idOffset = out.placeholder(EventTemplate.idPlaceholder)
        out.raw(#"","event":"\#(spec.type == "page_view" ? "$pageview" : spec.name)","#)
        out.raw(#""distinct_id":"\#(identified ? userID : anonymousID)","timestamp":""#)
        let tsOffset = out.placeholder(EventTemplate.timestampPlaceholder)
        out.raw(#"","properties":{"sent_ns":"#); let sentOffset = out.placeholder(EventTemplate.sentNsPlaceholder)
        out.raw(",\(spec.properties),\"token\":\"\(writeKey)\",\"$device_id\":\"\(anonymousID)\"")
        if spec.serverSide {
            out.raw(#","$lib":"posthog-python","$lib_version":"7.0.1""#)
        } else {
            out.raw(#","$lib":"web","$lib_version":"1.203.1","$session_id":"sess_\#(sess)","$current_url":"\#(url)""#)
            if let referrer { out.raw(#","$referrer":"\#(referrer)""#) }
            if sess % 2 == 0, let ua, out.bytes.count + ua.utf8.count + 40 <= 600 { out.raw(#","$raw_user_agent":"\#(ua)""#) }
        }
        out.raw("}}")
        return EventTemplate(bytes: out.bytes, idOffset: idOffset, timestampOffset: tsOffset, sentNsOffset: sentOffset)
    }

    /// `{"event":…,"properties":{…,"token":…,"time":<ms>,"distinct_id":…,"$insert_id":…}}`; page
    /// views are `$mp_web_page_view`.
    func mixpanel() -> EventTemplate {
        var out = TemplateWriter()
        out.raw(#"{"event":"\#(spec.type == "page_view" ? "$mp_web_page_view" : spec.name)","properties":{"sent_ns":"#)
        let sentOffset = out.placeholder(EventTemplate.sentNsPlaceholder)
        out.raw(",\(spec.properties),\"token\":\"\(writeKey)\",\"time\":")
        let tsOffset = out.placeholder(EventTemplate.epochMillisPlaceholder)
        out.raw(#","distinct_id":"\#(identified ? userID : "$device:" + anonymousID)","$device_id":"\#(anonymousID)""#)
        if identified { out.raw(#","$user_id":"\#(userID)""#) }
        out.raw(#","$insert_id":""#); let idOffset = out.placeholder(EventTemplate.idPlaceholder)
        if spec.serverSide {
            out.raw(#"","mp_lib":"python","$lib_version":"4.10.1""#)
        } else {
            out.raw(#"","mp_lib":"web","$lib_version":"2.55.1","$current_url":"\#(url)""#)
            if let referrer { out.raw(#","$referrer":"\#(referrer)""#) }
        }
        out.raw("}}")
        var template = EventTemplate(bytes: out.bytes, idOffset: idOffset, timestampOffset: tsOffset, sentNsOffset: sentOffset)
        template.timestampIsEpochMillis = true
        return template
    }

    /// A tp2 string map: `pv` for page views (title in `page`; no place for `sent_ns`), else `ue`
    /// with the event as a self-describing JSON in `ue_pr` (a string inside the JSON, as trackers send it).
    func snowplow() -> EventTemplate {
        var out = TemplateWriter()
        out.raw(#"{"e":"\#(spec.type == "page_view" ? "pv" : "ue")","eid":""#)
        let idOffset = out.placeholder(EventTemplate.idPlaceholder)
        out.raw(#"","dtm":""#); let tsOffset = out.placeholder(EventTemplate.epochMillisPlaceholder)
        out.raw(spec.serverSide ? #"","p":"srv","tv":"py-1.0.2","aid":"eventd-bench","tna":"sp""#
                                : #"","p":"web","tv":"js-3.24.2","aid":"eventd-bench","tna":"sp""#)
        if identified { out.raw(#","uid":"\#(userID)""#) }
        out.raw(#","duid":"\#(anonymousID)","sid":"sess_\#(sess)","lang":"\#(locale)""#)
        if !spec.serverSide {
            out.raw(#","url":"\#(url)""#)
            if let referrer { out.raw(#","refr":"\#(referrer)""#) }
            if sess % 2 == 0, let ua, out.bytes.count + ua.utf8.count + 200 <= 600 { out.raw(#","ua":"\#(ua)""#) }
        }
        var sentOffset: Int?
        if spec.type == "page_view" {
            out.raw(#","page":"\#(spec.name)""#)
        } else {
            out.raw(#","ue_pr":"{\"schema\":\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\","#)
            out.raw(#"\"data\":{\"schema\":\"iglu:com.example/\#(spec.name)/jsonschema/1-0-0\",\"data\":{\"sent_ns\":"#)
            sentOffset = out.placeholder(EventTemplate.sentNsPlaceholder)
            out.raw("," + String(spec.properties.flatMap { $0 == "\"" ? ["\\", "\""] : [$0] }) + "}}}\"")
        }
        out.raw("}")
        var template = EventTemplate(bytes: out.bytes, idOffset: idOffset, timestampOffset: tsOffset, sentNsOffset: sentOffset)
        template.timestampIsEpochMillis = true
        return template
    }
}
