-- 009 hourly-by-type rollup: analytics.events_per_hour_by_type keeps its columns and equals a
-- GROUP BY over raw events after rollups — for random events, after late events, after a GDPR
-- erasure and an UPDATE; analytics.event_hour_type_totals equals the sums of event_aggregations'
-- hour rows; an idle run writes nothing; rollup retention and TRUNCATE follow; RLS as before.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(25);

CREATE TEMP VIEW expected_dashboard AS
SELECT date_trunc('hour', e.occurred_at, 'UTC') AS hour, e.type, count(*) AS events,
       coalesce(sum((e.properties ->> 'value')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'value') = 'number'), 0) AS value_sum,
       coalesce(sum((e.properties ->> 'revenue')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'revenue') = 'number'), 0) AS revenue_sum
FROM analytics.events e
WHERE e.occurred_at >= date_trunc('hour', now() - interval '30 days', 'UTC')
GROUP BY 1, 2;
CREATE TEMP VIEW hour_rows_summed AS
SELECT a.bucket_start AS hour, a.type, sum(a.event_count)::bigint AS events, sum(a.value_sum) AS value_sum, sum(a.revenue_sum) AS revenue_sum
FROM analytics.event_aggregations a WHERE a.bucket_width = 'hour' GROUP BY 1, 2;
CREATE TEMP VIEW totals_writes AS
SELECT n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_xact_user_tables
WHERE relid = 'analytics.event_hour_type_totals'::regclass;

-- ---------------------------------------------------------------- the view's contract (006) is kept
SELECT results_eq($$SELECT attname::text COLLATE "default", format_type(atttypid, atttypmod) FROM pg_attribute
                    WHERE attrelid = 'analytics.events_per_hour_by_type'::regclass AND attnum > 0 ORDER BY attnum$$,
                  $$VALUES ('hour', 'timestamp with time zone'), ('type', 'analytics.event_type'), ('events', 'bigint'),
                           ('value_sum', 'numeric'), ('revenue_sum', 'numeric')$$,
                  'events_per_hour_by_type keeps its columns and types');
SELECT ok((SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class WHERE oid = 'analytics.events_per_hour_by_type'::regclass),
          'the view still runs with the caller''s rights (security_invoker)');

-- ---------------------------------------------------------------- random events over 40 days
-- (some outside the 30-day window), NULL dimensions, numeric and non-numeric values.
SELECT setseed(0.8);
INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties, transport, country, device_type)
SELECT (ARRAY['page_view', 'user_action', 'conversion', 'track', 'error']::analytics.event_type[])[1 + floor(random() * 5)::int],
       (ARRAY['home', 'pricing', 'signup', 'checkout'])[1 + floor(random() * 4)::int],
       's' || floor(random() * 30)::int, CASE WHEN random() < 0.5 THEN 'u' || floor(random() * 10)::int END,
       t, t,
       CASE floor(random() * 4)::int WHEN 0 THEN '{"value": 1.5}' WHEN 1 THEN '{"revenue": 19.99, "value": 2}'
                                     WHEN 2 THEN '{"value": "nope"}' ELSE '{}' END::jsonb,
       (ARRAY['tcp', 'udp', 'http']::analytics.transport[])[1 + floor(random() * 3)::int],
       (ARRAY['US', 'DE', NULL])[1 + floor(random() * 3)::int],
       (ARRAY['desktop', 'mobile', NULL])[1 + floor(random() * 3)::int]
FROM (SELECT now() - random() * interval '40 days' AS t FROM generate_series(1, 3000)) g;
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'run_rollups() after 3,000 random events');
SELECT bag_eq($$SELECT hour, type, events, value_sum, revenue_sum FROM analytics.events_per_hour_by_type$$,
              $$SELECT * FROM expected_dashboard$$,
              'events_per_hour_by_type equals a GROUP BY over raw events (30 days, hour, type; counts and sums)');
SELECT bag_eq($$SELECT hour, type, events, value_sum, revenue_sum FROM analytics.event_hour_type_totals$$,
              $$SELECT * FROM hour_rows_summed$$,
              'event_hour_type_totals equals event_aggregations'' hour rows summed per (hour, type), outside the window too');
SELECT is((SELECT count(*)::int FROM analytics.event_hour_type_totals WHERE events = 0), 0, 'no empty (hour, type) rows are kept');

-- An idle run changes no rollup row, so the totals' triggers write nothing.
CREATE TEMP TABLE writes_before AS SELECT n FROM totals_writes;
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'an idle run');
SELECT is((SELECT n FROM totals_writes), (SELECT n FROM writes_before), 'an idle run writes no event_hour_type_totals row');

-- ---------------------------------------------------------------- late events
-- Arriving now, for hours days back: an existing (hour, type), a type new to its hour, and one
-- outside the dashboard's window.
INSERT INTO analytics.events (type, name, session_id, occurred_at, original_timestamp, properties, transport)
SELECT 'conversion', 'checkout', 'late' || i, now() - interval '10 days' - i * interval '1 minute', now() - interval '10 days',
       '{"revenue": 5, "value": 1}', 'tcp'
FROM generate_series(1, 40) i;
INSERT INTO analytics.events (type, name, occurred_at, original_timestamp, transport) VALUES
    ('screen', 'late_screen', now() - interval '12 days', now() - interval '12 days', 'udp'),
    ('screen', 'late_screen', now() - interval '35 days', now() - interval '35 days', 'udp');
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'a run after late, out-of-order events');
SELECT bag_eq($$SELECT hour, type, events, value_sum, revenue_sum FROM analytics.events_per_hour_by_type$$,
              $$SELECT * FROM expected_dashboard$$, 'late events are counted in their old hours of the dashboard');
SELECT is((SELECT events::int FROM analytics.event_hour_type_totals
           WHERE type = 'screen' AND hour = date_trunc('hour', now() - interval '35 days', 'UTC')), 1,
          'a late event outside the window lands in the totals, not in the view');

-- ---------------------------------------------------------------- GDPR erasure
-- The person's events include the only event of an (hour, type): that row must go.
INSERT INTO marketing.leads (email, company_name) VALUES ('gone.person@example.org', 'Gone Ltd');
INSERT INTO analytics.events (type, name, user_id, occurred_at, original_timestamp, properties, transport)
SELECT 'user_action', 'cta_click', 'gone-user', now() - interval '3 days' + i * interval '10 minutes', now() - interval '3 days',
       '{"email": "gone.person@example.org", "value": 3}', 'http'
FROM generate_series(1, 12) i;
INSERT INTO analytics.events (type, name, user_id, occurred_at, original_timestamp, properties, transport)
VALUES ('alias', 'alias', 'gone-user', now() - interval '4 days', now() - interval '4 days', '{"email": "gone.person@example.org"}', 'http');
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'a run with the person''s events');
SELECT is((SELECT count(*)::int FROM analytics.events_per_hour_by_type WHERE type = 'alias'), 1, 'the person''s alias hour is on the dashboard');
SELECT lives_ok($$SELECT gdpr_delete_user_data('gone.person@example.org')$$, 'gdpr_delete_user_data() erases the person');
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'the next run after the erasure');
SELECT bag_eq($$SELECT hour, type, events, value_sum, revenue_sum FROM analytics.events_per_hour_by_type$$,
              $$SELECT * FROM expected_dashboard$$,
              'after the erasure the dashboard equals the GROUP BY (the person''s counts and the emptied hour are gone)');
SELECT is((SELECT count(*)::int FROM analytics.events_per_hour_by_type WHERE type = 'alias'), 0, 'the (hour, type) only the person had is removed');

-- An UPDATE moving events to another type (dirty marks, as for a GDPR rewrite).
UPDATE analytics.events SET type = 'track' WHERE type = 'error' AND occurred_at > now() - interval '5 days';
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'a run after an UPDATE of raw events');
SELECT bag_eq($$SELECT hour, type, events, value_sum, revenue_sum FROM analytics.events_per_hour_by_type$$,
              $$SELECT * FROM expected_dashboard$$, 'updated events move to their new type on the dashboard');

-- ---------------------------------------------------------------- who may read it (as in 006)
CREATE TEMP TABLE owner_sees AS SELECT count(*) AS n FROM analytics.events_per_hour_by_type;
GRANT SELECT ON owner_sees TO PUBLIC;
DO $$
BEGIN  -- pgTAP records results in temp tables created by plan(); let the switched-to roles write them.
    EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
    EXECUTE format('GRANT ALL ON ALL SEQUENCES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
END $$;
SET ROLE anon;
SELECT throws_ok($$SELECT count(*) FROM analytics.events_per_hour_by_type$$, '42501', NULL, 'anon cannot read the dashboard');
RESET ROLE;
SET ROLE authenticated;
SELECT is((SELECT count(*)::int FROM analytics.events_per_hour_by_type), 0, 'a non-admin authenticated user sees no dashboard rows');
RESET ROLE;
SET ROLE eventd_admin;
SELECT is((SELECT count(*) FROM analytics.events_per_hour_by_type), (SELECT n FROM owner_sees), 'eventd_admin sees every dashboard row');
RESET ROLE;

-- ---------------------------------------------------------------- other writers of event_aggregations
INSERT INTO analytics.event_aggregations (bucket_width, bucket_start, type, name, transport, event_count)
VALUES ('hour', date_trunc('hour', now() - interval '800 days', 'UTC'), 'track', 'ancient', 'sql', 4);
SELECT is((analytics.drop_old_rollups('730 days') ->> 'event_aggregations')::int, 1, 'drop_old_rollups removes an hour row past retention');
SELECT bag_eq($$SELECT hour, type, events, value_sum, revenue_sum FROM analytics.event_hour_type_totals$$,
              $$SELECT * FROM hour_rows_summed$$, 'rollup retention removes the totals of the dropped hours too');
TRUNCATE analytics.event_aggregations;
SELECT is((SELECT count(*)::int FROM analytics.event_hour_type_totals), 0, 'TRUNCATE of event_aggregations empties the totals');

SELECT * FROM finish();
ROLLBACK;
