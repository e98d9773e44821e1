/// How incoming JSON maps to `analytics.events` columns. Documentation only (the code is in
/// `DecodePass+Event.swift` and `DecodePass+Enrichment.swift`); docs/sending-events.md copies the table
/// below, and `DocsMatchCodeTests` fails when the two differ.
///
/// **Accepted texts.** One event object; a Segment batch `{"batch":[…], "sentAt":…, "context":{…},
/// "writeKey":…}`; or a bare JSON array of events. NDJSON lines (TCP/UDP) are one text each.
///
/// **Shape.** `type` decides: Segment types (`track page screen identify group alias`) follow the
/// Segment mapping and need `userId` or `anonymousId` (else `missing_identity`); the other
/// analytics.event_type values (`page_view user_action form_submit conversion onboarding
/// experiment whatsapp system error`) follow the native mapping. Unknown `type` ⇒ `invalid_event_type`.
///
/// | column | native | Segment |
/// |---|---|---|
/// | type | `type` | `type` |
/// | name (1–255 chars) | `name` (required) | track: `event` (else `name`, required); page/screen: `name`, else "page"/"screen"; identify/group/alias: the type |
/// | message_id (≤255) | first of `messageId`, `message_id`, `event_id`, `id` (string or number; "" = none) | same |
/// | event_id | the sender id if it is a UUID; else UUIDv8 = MurmurHash3-x64-128 of the id (stable, so resends dedup); none ⇒ UUIDv7 at receipt | same |
/// | user_id / anonymous_id (≤255) | `user_id` / `anonymous_id` (camelCase also read) | `userId` / `anonymousId` (snake_case also read) |
/// | session_id (≤255) | first of `session_id`, `sessionId`, `context.sessionId`, batch `context.sessionId`, `properties.session_id` | same |
/// | properties (object) | `properties` or `{}` | `properties`; identify/group: `traits` if present; plus `groupId`/`previousId` spliced in as members |
/// | context (object) | batch `context` members, then the event's `context` members (event wins), or `{}` | same |
/// | original_timestamp | `originalTimestamp`, else `timestamp`; none ⇒ received_at | same |
/// | sent_at | `sentAt` / `sent_at`, else the batch's | same |
/// | occurred_at | original + (received_at − sent_at) when both; else original; else received_at; must lie within [received_at − maxPast, received_at + maxFuture] | same |
/// | received_at, transport, source_ip (anonymised by default), source_key | from `IngestContext` | same |
/// | user_agent, browser, os, device_type, is_bot | `context.userAgent`, else the request's User-Agent; classified by `UserAgentClassifier` | same |
/// | country | `context.location.country` (2 letters, uppercased), else the request's | same |
/// | page_url / page_path / referrer | `context.page.url` / `.path` / `.referrer`, else `properties.url` / `.path` / `.referrer`; path derived from the URL when absent | same |
/// | utm_source … utm_content | `context.campaign.source/medium/name/term/content`, else the page URL's `utm_*` query parameters | same |
/// | click_id | the page URL's `gclid`, `gbraid`, `wbraid`, `fbclid`, `msclkid`, `ttclid`, `twclid` or `li_fat_id` | same |
/// | lead_id | always NULL | same |
///
/// Null values count as absent. Timestamps are ISO-8601 strings only. Strings with `\u0000` or
/// lone surrogates are kept with those rewritten to U+FFFD (counted as `sanitized`). Keys written
/// with escapes (`"\u0074ype"`) are never recognised as fields, though they stay in the jsonb.
public enum EventMapping {}
