-- 011 incremental rollups: a run folds in only row versions it has not folded before (inserted, late,
-- out of order, updated; also inside this one transaction), subtracts deleted and updated versions
-- exactly from a row-level retraction log (never written by INSERT/COPY or retention), keeps distinct
-- counts equal to per-bucket member sets, treats rows moved by ensure_event_partitions as unchanged,
-- and rebuilds everything in one pass after reset_rollups().  After every run the rollup equals a
-- GROUP BY over raw events.  012: 006's unused dirty marking is gone.  016: minute buckets keep member
-- sets again (012 had recounted them from raw events), so the member checks cover every width.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(27);

CREATE TEMP VIEW expected_rollup AS
SELECT w.w AS bucket_width, date_trunc(w.w::text, e.occurred_at, 'UTC') AS bucket_start, e.type, e.name, e.transport, e.country, e.device_type,
       count(*) AS event_count, count(DISTINCT e.session_id) AS distinct_sessions, count(DISTINCT e.user_id) AS distinct_users,
       coalesce(sum((e.properties ->> 'value')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'value') = 'number'), 0) AS value_sum,
       coalesce(sum((e.properties ->> 'revenue')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'revenue') = 'number'), 0) AS revenue_sum
FROM analytics.events e CROSS JOIN unnest(enum_range(NULL::analytics.bucket_width)) AS w(w)
GROUP BY 1, 2, 3, 4, 5, 6, 7;
CREATE TEMP VIEW actual_rollup AS
SELECT bucket_width, bucket_start, type, name, transport, country, device_type, event_count, distinct_sessions, distinct_users, value_sum, revenue_sum
FROM analytics.event_aggregations;
CREATE TEMP VIEW expected_event_counts AS
SELECT w.w AS bucket_width, date_trunc(w.w::text, e.occurred_at, 'UTC') AS bucket_start, count(*)::numeric AS value
FROM analytics.events e CROSS JOIN unnest(enum_range(NULL::analytics.bucket_width)) AS w(w) GROUP BY 1, 2;
CREATE TEMP VIEW member_mismatches AS
SELECT a.id FROM analytics.event_aggregations a
WHERE (a.distinct_sessions, a.distinct_users) IS DISTINCT FROM
      ((SELECT count(*) FROM analytics.event_aggregation_members m WHERE m.aggregation_id = a.id AND m.kind = 's'),
       (SELECT count(*) FROM analytics.event_aggregation_members m WHERE m.aggregation_id = a.id AND m.kind = 'u'))
UNION ALL
SELECT m.aggregation_id FROM analytics.event_aggregation_members m
WHERE NOT EXISTS (SELECT 1 FROM analytics.event_aggregations a WHERE a.id = m.aggregation_id);
CREATE TEMP TABLE runs (n serial, r jsonb);
CREATE FUNCTION pg_temp.run() RETURNS jsonb LANGUAGE sql AS $$
    INSERT INTO runs (r) SELECT analytics.run_rollups('15 minutes') RETURNING r
$$;
CREATE FUNCTION pg_temp.add_random(p_count int, p_within interval) RETURNS void LANGUAGE sql AS $$
    INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties, transport, country, device_type)
    SELECT (ARRAY['page_view', 'user_action', 'conversion', 'track']::analytics.event_type[])[1 + floor(random() * 4)::int],
           (ARRAY['home', 'pricing', 'signup', 'checkout'])[1 + floor(random() * 4)::int],
           CASE WHEN random() < 0.9 THEN 's' || floor(random() * 40)::int END,
           CASE WHEN random() < 0.5 THEN 'u' || floor(random() * 20)::int END,
           t + make_interval(secs => floor(random() * 5)::int), t,
           CASE floor(random() * 4)::int WHEN 0 THEN '{"value": 2.5}' WHEN 1 THEN '{"revenue": 49.99, "value": 1}'
                                         WHEN 2 THEN '{"value": "7"}' ELSE '{}' END::jsonb,
           (ARRAY['tcp', 'udp', 'http']::analytics.transport[])[1 + floor(random() * 3)::int],
           (ARRAY['US', 'DE', NULL])[1 + floor(random() * 3)::int],
           (ARRAY['desktop', 'mobile', NULL])[1 + floor(random() * 3)::int]
    FROM (SELECT now() - random() * p_within AS t FROM generate_series(1, p_count)) g;
$$;

-- The first run after reset_rollups() (as after the 011 upgrade) reads everything once: the dev seed,
-- if any, plus these.
SELECT FROM analytics.reset_rollups();
SELECT FROM setseed(0.12);
SELECT FROM pg_temp.add_random(2000, '3 days');
SELECT is((SELECT count(*)::int FROM eventd.rollup_retractions), 0, 'INSERT leaves no retraction');
SELECT is((pg_temp.run() ->> 'added')::bigint, (SELECT count(*) FROM analytics.events), 'the first run folds in every raw event');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$, 'first run: rollup equals the GROUP BY');
SELECT is((SELECT count(*)::int FROM member_mismatches), 0, 'distinct counts equal the member sets');
SELECT ok((SELECT count(*) FROM analytics.event_aggregations WHERE bucket_width = 'minute') > 0
          AND (SELECT count(*) FROM analytics.event_aggregations WHERE bucket_width = 'minute' AND distinct_sessions > 0) > 0,
          'minute buckets carry distinct counts');
SELECT hasnt_table('eventd', 'rollup_dirty', '012 drops 006''s unused rollup_dirty');
SELECT hasnt_function('analytics', 'events_mark_rollup_dirty', '012 drops 006''s unused dirty-marking trigger function');
SELECT is((pg_temp.run() ->> 'added')::int, 0, 'a second run re-reads the late window but folds nothing twice');

-- Late, out of order and in order, inside this same transaction (the command-id frontier).
SELECT FROM pg_temp.add_random(300, '40 days');
SELECT is((pg_temp.run() ->> 'added')::int, 300, 'only the 300 new rows are folded in');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$, 'late and out-of-order rows: rollup equals the GROUP BY');
INSERT INTO analytics.events (type, name, session_id, occurred_at, original_timestamp, transport)
VALUES ('track', 'one_late', 's1', now() - interval '25 days', now() - interval '25 days', 'tcp');
SELECT is((SELECT (r ->> 'added')::int || '/' || (r ->> 'scopes') FROM (SELECT pg_temp.run() AS r) x), '1/3',
          'a late event costs one event: one bucket per width');

-- Deletes and updates subtract exactly.
DELETE FROM analytics.events WHERE random() < 0.05;
SELECT ok((SELECT count(*) > 0 FROM eventd.rollup_retractions), 'DELETE logs the old versions');
UPDATE analytics.events SET session_id = 's' || floor(random() * 50)::int, occurred_at = occurred_at - interval '90 minutes',
                            properties = '{"value": 3}'
WHERE random() < 0.05;
SELECT ok((SELECT bool_and(created_at = now()) FROM analytics.events WHERE properties = '{"value": 3}'),
          'UPDATE stamps the new version''s created_at with now(), so the next run finds it');
SELECT FROM pg_temp.add_random(100, '2 hours');
DELETE FROM analytics.events WHERE random() < 0.03;  -- some of them never folded in
SELECT lives_ok($$SELECT pg_temp.run()$$, 'a run after random deletes and updates');
SELECT is((SELECT count(*)::int FROM eventd.rollup_retractions), 0, 'the run consumed the retractions');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$, 'deletes and updates: rollup equals the GROUP BY');
SELECT bag_eq($$SELECT bucket_width, bucket_start, value FROM analytics.metrics WHERE metric_name = 'events.count' AND dimensions = '{}'$$,
              $$SELECT * FROM expected_event_counts$$, 'events.count follows deletes');
SELECT is((SELECT count(*)::int FROM member_mismatches), 0, 'member sets follow deletes and updates');

-- Retention leaves no retraction (rollups outlive raw events) — when the retention scope is real
-- (opened by the maintenance functions, 010), not a setting a session chose.
SELECT FROM eventd.begin_maintenance('retention');
DELETE FROM analytics.events WHERE name = 'one_late';
SELECT FROM eventd.end_maintenance('retention');
SELECT is((SELECT count(*)::int FROM eventd.rollup_retractions), 0, 'a retention delete is not subtracted');
SELECT is((SELECT sum(event_count)::int FROM analytics.event_aggregations WHERE name = 'one_late' AND bucket_width = 'day'), 1,
          'its rollup stays');
INSERT INTO analytics.events (type, name, session_id, occurred_at, original_timestamp, transport)
VALUES ('track', 'one_late', 's1', now() - interval '25 days', now() - interval '25 days', 'tcp');
SELECT FROM pg_temp.run();

-- Rows moved out of events_default by ensure_event_partitions count once: one with an old created_at
-- (never re-read) and one with a fresh one (re-read).
INSERT INTO analytics.events (type, name, occurred_at, original_timestamp, transport, created_at)
VALUES ('track', 'moved_old', now() + interval '20 days', now() + interval '20 days', 'tcp', now() - interval '1 day');
SELECT is((SELECT count(*)::int FROM analytics.events_default WHERE name = 'moved_old'), 1, 'a far-future event lands in events_default');
SELECT FROM analytics.reset_rollups();  -- so that the old-created_at row is folded in (first run reads all)
SELECT FROM pg_temp.run();
INSERT INTO analytics.events (type, name, occurred_at, original_timestamp, transport)
VALUES ('track', 'moved_new', now() + interval '20 days', now() + interval '20 days', 'tcp');
SELECT FROM pg_temp.run();
SELECT ok(analytics.ensure_event_partitions(0, 21) > 0, 'ensure_event_partitions creates the day and moves both rows');
SELECT lives_ok($$SELECT pg_temp.run()$$, 'a run after the move');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$, 'moved rows are counted once');

-- Backfill: reset, then one run rebuilds all.
SELECT FROM analytics.reset_rollups();
SELECT is((SELECT count(*)::int FROM analytics.event_aggregations), 0, 'reset_rollups clears the rebuildable rollups');
SELECT is((pg_temp.run() ->> 'added')::bigint, (SELECT count(*) FROM analytics.events), 'one run after reset reads every raw event once');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$, 'rebuilt rollup equals the GROUP BY');

SELECT * FROM finish();
ROLLBACK;
