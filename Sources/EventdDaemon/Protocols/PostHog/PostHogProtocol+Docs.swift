extension PostHogProtocol {
    var mapping: [ColumnMapping] { PostHogEventMapping.table }

    var guide: String {
        """
        eventd speaks PostHog's capture API: point a PostHog SDK (posthog-js, posthog-python, posthog-node …) at
        eventd's HTTP listener as its `api_host` / `host`, and use one of eventd's write keys as the project API key.
        Nothing else changes.

        **Bodies.** A JSON array of events, `{"api_key"|"token": KEY, "batch": [...], "sent_at"?}`, or one event.
        Plain JSON, base64, a form field `data=` (with `compression=`), gzip (by `Content-Encoding`, by
        `?compression=gzip-js`, or by its magic bytes) and lz-string base64 (`compression=lz64`, posthog-js's
        default). GET requests carry the body in `?data=`. Decoding is capped at the body limit
        (`sources.http.max_body_bytes`), so a compression bomb is refused with 413.

        **Authentication.** The project token (`api_key`, `token`, `$token` or `properties.token`; for capture v1
        `Authorization: Bearer KEY`) must be a configured write key; its name is the `source_key`. An unknown token
        is refused with 401.

        **Answers.** v0: `200 {"status":1}` once the events are committed (refused events are listed in `errors`);
        `?beacon=1` → `204` as soon as eventd holds them; `400` when nothing could be stored (PostHog's
        `{"type","code","detail"}` body); `401`, `413`; `429` and `503` with `Retry-After`, which PostHog's SDKs
        retry. Capture v1 (`/i/v1/analytics/events`): `200 {"results": {uuid: {"result": "ok"}}}`, a refused event
        as `{"result": "drop", "details": "<reason>: <detail>"}` (the SDK does not resend it), and `503` for a batch
        to resend whole with the same `PostHog-Request-Id` (events deduplicate by uuid). Every refusal of the request
        as a whole (a secret key in the URL, an unknown token, a rate limit) has PostHog's body and status.

        **`PostHog-Request-Id`.** The id the SDKs give a batch, stable across its retries, is echoed on the answer;
        an event of such a request that carries no `uuid` gets a stable id made from the request id and its position,
        so a resent batch stores it once.
        """
    }
}
