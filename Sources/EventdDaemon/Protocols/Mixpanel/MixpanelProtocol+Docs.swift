extension MixpanelProtocol {
    var mapping: [ColumnMapping] { MixpanelEventMapping.table }

    var guide: String {
        """
        eventd speaks Mixpanel's ingestion API: point a Mixpanel library at eventd (mixpanel-python:
        `Consumer(events_url=…/track, people_url=…/engage, import_url=…/import)`; mixpanel-js: `api_host`) and use
        one of eventd's write keys as the project token.

        **Bodies.** `data=` in a form body or the query, holding a JSON event or array — plain or base64 — or a JSON
        array as the body (`/import`); gzip by `Content-Encoding` or its magic bytes.

        **Authentication.** `properties.token` (`$token` on `/engage` and `/groups`) must be a configured write key; `/import`
        may instead name a (secret) write key as the HTTP Basic user, as Mixpanel's API secret is sent. An unknown
        key is refused with 401, in Mixpanel's shape (`{"status":0,"error":…}`) like every refusal on these paths.

        **Group profiles.** `/groups` updates (`$group_key`, `$group_id`, `$set` …) are stored as group events, as
        `/engage`'s profile updates are stored as identify events.

        **Answers.** `/track`, `/engage`, `/groups`: `1`, or with `verbose=1` `{"status":1,"error":null}` (`{"status":0,…}`
        when nothing could be stored). `/import`: `{"code":200,"num_records_imported":N,"status":1}`, or `400` with
        `failed_records` (`index`, `$insert_id`, `field`, `message`) when some records were refused — the others are
        stored, as Mixpanel does. `503` (and `429`) with `Retry-After` when a retry can help; Mixpanel's libraries
        retry 5xx answers.

        `/track` is also a PostHog path: a body that names PostHog's `api_key`/`token`/`distinct_id` at its top
        level is PostHog's, any other is Mixpanel's.
        """
    }
}
