-- 008: a refusal is stored at most once per rejection_id (the loader writes with ON CONFLICT DO NOTHING);
-- rows without one get distinct keys; retention and GDPR erasure still reach the table.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(11);

SELECT col_not_null('analytics', 'rejected_events', 'rejection_id', 'rejection_id is NOT NULL');
SELECT col_type_is('analytics', 'rejected_events', 'rejection_id', 'uuid', 'rejection_id is a uuid');
SELECT col_is_unique('analytics', 'rejected_events', ARRAY['rejection_id'], 'rejection_id is unique');

-- The loader's write: a refusal written again (a retried cut, a replayed spool record) is skipped.
PREPARE write_refusal AS
    INSERT INTO analytics.rejected_events (received_at, transport, reason, detail, raw, raw_size, rejection_id)
    VALUES (now(), 'tcp', 'malformed_json', 'not JSON', '\x6e6f7065', 4, '0197aaaa-0000-7000-8000-000000000001')
    ON CONFLICT (rejection_id) DO NOTHING;
EXECUTE write_refusal;
EXECUTE write_refusal;
SELECT is((SELECT count(*)::int FROM analytics.rejected_events WHERE rejection_id = '0197aaaa-0000-7000-8000-000000000001'),
          1, 'the same refusal written twice with ON CONFLICT DO NOTHING is one row');
SELECT throws_ok($$INSERT INTO analytics.rejected_events (transport, reason, raw_size, rejection_id)
                   VALUES ('udp', 'malformed_json', 1, '0197aaaa-0000-7000-8000-000000000001')$$,
                 '23505', NULL, 'a plain insert of a known rejection_id is refused');

-- Identical refusals without a key (written by hand, or before 008) stay distinct rows.
INSERT INTO analytics.rejected_events (transport, reason, detail, raw_size)
SELECT 'udp', 'malformed_json', 'same twice', 3 FROM generate_series(1, 2);
SELECT is((SELECT count(DISTINCT rejection_id)::int FROM analytics.rejected_events WHERE detail = 'same twice'),
          2, 'rows without a rejection_id get distinct ones from the default');

-- The COPY path: the loader stages refusals and inserts them; a duplicate inside one COPY is absorbed too.
CREATE TEMP TABLE staged ON COMMIT DROP AS
    SELECT received_at, transport, source_ip, source_key, reason, detail, message_id, batch_index, raw, raw_size, rejection_id
    FROM analytics.rejected_events WITH NO DATA;
INSERT INTO staged (received_at, transport, reason, raw_size, rejection_id) VALUES
    (now(), 'http', 'invalid_event_type', 9, '0197aaaa-0000-7000-8000-000000000002'),
    (now(), 'http', 'invalid_event_type', 9, '0197aaaa-0000-7000-8000-000000000002'),
    (now(), 'http', 'invalid_event_type', 9, '0197aaaa-0000-7000-8000-000000000001');
INSERT INTO analytics.rejected_events (received_at, transport, source_ip, source_key, reason, detail, message_id, batch_index, raw, raw_size, rejection_id)
SELECT * FROM staged ON CONFLICT (rejection_id) DO NOTHING;
SELECT is((SELECT count(*)::int FROM analytics.rejected_events WHERE rejection_id IN
              ('0197aaaa-0000-7000-8000-000000000001', '0197aaaa-0000-7000-8000-000000000002')),
          2, 'staged refusals: one new row, the repeat inside the set and the known one skipped');

-- Retention and GDPR erasure still work on the table.
INSERT INTO analytics.rejected_events (received_at, transport, reason, raw_size, rejection_id) VALUES
    (now() - interval '100 days', 'tcp', 'malformed_json', 1, '0197aaaa-0000-7000-8000-000000000003');
SELECT lives_ok($$SELECT * FROM cleanup_old_data()$$, 'cleanup_old_data() runs');
SELECT is((SELECT count(*)::int FROM analytics.rejected_events WHERE rejection_id = '0197aaaa-0000-7000-8000-000000000003'),
          0, 'a refusal past retention is deleted');
INSERT INTO analytics.rejected_events (transport, reason, detail, raw_size, rejection_id) VALUES
    ('http', 'missing_identity', 'from forget.me@example.org', 0, '0197aaaa-0000-7000-8000-000000000004');
SELECT lives_ok($$SELECT gdpr_delete_user_data('forget.me@example.org')$$, 'gdpr_delete_user_data() runs');
SELECT is((SELECT count(*)::int FROM analytics.rejected_events WHERE rejection_id = '0197aaaa-0000-7000-8000-000000000004'),
          0, 'GDPR erasure removes a keyed refusal that names the person');

SELECT * FROM finish();
ROLLBACK;
