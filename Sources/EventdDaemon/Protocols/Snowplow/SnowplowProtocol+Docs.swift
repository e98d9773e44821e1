extension SnowplowProtocol {
    var mapping: [ColumnMapping] { SnowplowEventMapping.table }

    var guide: String {
        """
        eventd speaks Snowplow's tracker protocol: point a Snowplow tracker's collector endpoint at eventd
        (snowplow-tracker for Python: `Emitter("eventd.example:8080", protocol="http")`; the JavaScript tracker:
        `newTracker(…, "eventd.example")`). POST (`tp2`) and GET (`/i`) emitters both work.

        **Bodies.** POST: the `payload_data` envelope, `{"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/…",
        "data": [ {…}, … ]}`, each element a map of Snowplow's string fields (`e`, `eid`, `dtm`, `stm`, `url`, `uid`,
        `duid`, `sid`, `ue_px`, `cx` …). GET: one event, the same fields as query parameters.

        **Authentication.** Snowplow trackers send no token: give the write key in the request head (`X-Write-Key`,
        e.g. through the emitter's `requests.Session`), in the query (`?writeKey=`), or use a configured write key
        as the app id (`aid`). An app id that is not a key is simply not a key (no refusal): with
        `require_write_key = false` such events land without a `source_key`.

        **Answers.** POST: `200 ok` once committed; `400` with eventd's per-event refusals when nothing could be
        stored (trackers drop on 400 rather than resend); `503` when a resend can help (trackers retry non-2xx).
        A request refused as a whole (unknown key, a secret key in the URL) is `401`/`403`, which trackers drop, with
        the same `{"status":"refused","errors":[…]}` body; `429` with `Retry-After` is retried.
        GET: the 43-byte transparent GIF with `Cache-Control: no-cache, no-store, must-revalidate` as soon as eventd
        holds the event. A Snowplow event needs `uid`, `duid`, `nuid` or `tnuid`: eventd stores events with a user
        or anonymous id only.
        """
    }
}
