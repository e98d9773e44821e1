-- 008: analytics.rejected_events is written at most once per refusal.
--
-- why: events deduplicate on their primary key, but refusals had no key, so a refusal written again
-- was stored twice: the loader retrying a cut whose COMMIT reply was lost, a spool record replayed
-- after a crash between its COMMIT and the cursor update, a sender resending a line after a lost ack.
-- eventd now sends a rejection_id with each refusal (EventdCore/Encode/RejectionID.swift: a hash of
-- write key, sender id, reason and the raw bytes when the sender gave an id; a random UUIDv7 chosen
-- at receipt otherwise; the event's (event_id, original_timestamp) for rows PostgreSQL refused) and
-- inserts with ON CONFLICT (rejection_id) DO NOTHING.
--
-- Existing rows get random keys: their history is kept as it is. Rows written by hand (tests,
-- operators) get one from the default. The column is last, after id, and last in eventd's COPY list.
ALTER TABLE analytics.rejected_events
    ADD COLUMN rejection_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE analytics.rejected_events
    ADD CONSTRAINT rejected_events_rejection_id_key UNIQUE (rejection_id);

COMMENT ON COLUMN analytics.rejected_events.rejection_id IS
    'Idempotency key chosen by eventd (a refusal written again is the same key and is skipped by ON CONFLICT DO NOTHING): a UUIDv8 hash of write key, sender id, reason and raw bytes when the sender gave an id, a UUIDv7 fixed at receipt otherwise.';
