/// The keys the decoder cares about, one slot each in a fixed table of `JSONValueRef`s that the
/// strict scan fills while it validates (so enrichment needs no second pass and no DOM).
/// Duplicate keys: the later one overwrites the slot, matching jsonb's "last key wins".
enum EventSlot: Int, CaseIterable {
    // Event object (native and Segment spellings).
    case type, name, event, sessionIdSnake, sessionIdCamel, properties, traits, context
    case id, eventIdSnake, messageIdSnake, messageId, userIdSnake, userId, anonymousIdSnake, anonymousId
    case timestamp, originalTimestamp, sentAtSnake, sentAt, groupId, previousId, batch
    // context.*
    case contextUserAgent, contextPage, contextCampaign, contextLocation, contextSessionId
    // context.page.*
    case pageURL, pagePath, pageReferrer
    // context.campaign.*
    case campaignSource, campaignMedium, campaignName, campaignTerm, campaignContent
    // context.location.*
    case locationCountry
    // properties.*
    case propertiesSessionId, propertiesURL, propertiesPath, propertiesReferrer
}

/// Which object's keys are being recorded.
enum KeyScheme {
    case event, context, page, campaign, location, properties, none

    /// The scheme for the object value of `slot`, if we look inside it.
    static func child(of slot: EventSlot) -> KeyScheme {
        switch slot {
        case .context: .context
        case .properties: .properties
        case .contextPage: .page
        case .contextCampaign: .campaign
        case .contextLocation: .location
        default: .none
        }
    }

    /// Maps a raw (escape-free) key to its slot in this scheme.
    @inline(__always)
    func slot(_ p: UnsafePointer<UInt8>, _ n: Int) -> EventSlot? {
        @inline(__always) func eq(_ s: StaticString) -> Bool {
            s.utf8CodeUnitCount == n && memcmpEqual(p, s.utf8Start, n)
        }
        switch self {
        case .event:
            switch n {
            case 2: return eq("id") ? .id : nil
            case 4: return eq("type") ? .type : eq("name") ? .name : nil
            case 5: return eq("event") ? .event : eq("batch") ? .batch : nil
            case 6: return eq("userId") ? .userId : eq("sentAt") ? .sentAt : eq("traits") ? .traits : nil
            case 7:
                if eq("context") { return .context }
                if eq("user_id") { return .userIdSnake }
                if eq("groupId") { return .groupId }
                return eq("sent_at") ? .sentAtSnake : nil
            case 8: return eq("event_id") ? .eventIdSnake : nil
            case 9:
                if eq("timestamp") { return .timestamp }
                if eq("messageId") { return .messageId }
                return eq("sessionId") ? .sessionIdCamel : nil
            case 10:
                if eq("properties") { return .properties }
                if eq("session_id") { return .sessionIdSnake }
                if eq("message_id") { return .messageIdSnake }
                if eq("previousId") { return .previousId }
                return nil
            case 11: return eq("anonymousId") ? .anonymousId : nil
            case 12: return eq("anonymous_id") ? .anonymousIdSnake : nil
            case 17: return eq("originalTimestamp") ? .originalTimestamp : nil
            default: return nil
            }
        case .context:
            switch n {
            case 4: return eq("page") ? .contextPage : nil
            case 8: return eq("campaign") ? .contextCampaign : eq("location") ? .contextLocation : nil
            case 9: return eq("userAgent") ? .contextUserAgent : eq("sessionId") ? .contextSessionId : nil
            default: return nil
            }
        case .page:
            switch n {
            case 3: return eq("url") ? .pageURL : nil
            case 4: return eq("path") ? .pagePath : nil
            case 8: return eq("referrer") ? .pageReferrer : nil
            default: return nil
            }
        case .campaign:
            switch n {
            case 4: return eq("name") ? .campaignName : eq("term") ? .campaignTerm : nil
            case 6: return eq("source") ? .campaignSource : eq("medium") ? .campaignMedium : nil
            case 7: return eq("content") ? .campaignContent : nil
            default: return nil
            }
        case .location:
            return eq("country") ? .locationCountry : nil
        case .properties:
            switch n {
            case 3: return eq("url") ? .propertiesURL : nil
            case 4: return eq("path") ? .propertiesPath : nil
            case 8: return eq("referrer") ? .propertiesReferrer : nil
            case 10: return eq("session_id") ? .propertiesSessionId : nil
            default: return nil
            }
        case .none:
            return nil
        }
    }
}

/// Whether `a[0..<n] == b[0..<n]`: 8 bytes at a time, then byte by byte. Inlined rather than libc's
/// `memcmp` because most calls compare keys of 2–17 bytes, where a call costs more than the work;
/// the word loop keeps a 120-byte user agent (the classifier's cache) at ~15 steps instead of 120.
@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 8 <= n {
        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
