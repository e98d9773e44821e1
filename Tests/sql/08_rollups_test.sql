-- 006 rollups: analytics.run_rollups() equals a GROUP BY over raw events (random, late, out-of-order,
-- deleted), a second run changes nothing, KPIs equal GROUP BYs over the business tables, the dashboard
-- views answer the seed's queries, rollup retention, and the frozen horizon after raw retention.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(23);

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
CREATE TEMP VIEW rollup_fingerprint AS
SELECT md5(coalesce((SELECT string_agg(a::text, '|' ORDER BY a.id) FROM analytics.event_aggregations a), '')
           || coalesce((SELECT string_agg(m::text, '|' ORDER BY m.id) FROM analytics.metrics m), '')) AS fp;

-- Random events over three days, including NULL dimensions, string values that must be ignored, and
-- skew-corrected times that differ from original_timestamp.
SELECT setseed(0.42);
INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties, transport, country, device_type)
SELECT (ARRAY['page_view', 'user_action', 'conversion', 'track']::analytics.event_type[])[1 + floor(random() * 4)::int],
       (ARRAY['home', 'pricing', 'signup', 'checkout', 'demo_request'])[1 + floor(random() * 5)::int],
       CASE WHEN random() < 0.9 THEN 's' || floor(random() * 40)::int END,
       CASE WHEN random() < 0.5 THEN 'u' || floor(random() * 20)::int END,
       t + make_interval(secs => floor(random() * 5)::int), t,
       CASE floor(random() * 4)::int WHEN 0 THEN '{"value": 2.5}' WHEN 1 THEN '{"revenue": 49.99, "value": 1}'
                                     WHEN 2 THEN '{"value": "7"}' ELSE '{}' END::jsonb,
       (ARRAY['tcp', 'udp', 'http']::analytics.transport[])[1 + floor(random() * 3)::int],
       (ARRAY['US', 'DE', NULL])[1 + floor(random() * 3)::int],
       (ARRAY['desktop', 'mobile', NULL])[1 + floor(random() * 3)::int]
FROM (SELECT now() - random() * interval '3 days' AS t FROM generate_series(1, 3000)) g;

SELECT is((analytics.run_rollups('15 minutes') ->> 'skipped')::boolean, false, 'run_rollups() runs');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$,
              'random events: event_aggregations equal a GROUP BY over analytics.events (minute, hour, day)');
SELECT bag_eq($$SELECT bucket_width, bucket_start, value FROM analytics.metrics WHERE metric_name = 'events.count' AND dimensions = '{}'$$,
              $$SELECT * FROM expected_event_counts$$, 'events.count per minute/hour/day equals a count over raw events');

CREATE TEMP TABLE fp1 AS SELECT fp FROM rollup_fingerprint;
CREATE TEMP TABLE second_run AS SELECT analytics.run_rollups('15 minutes') AS r;
SELECT is((SELECT (r ->> 'upserted')::int + (r ->> 'deleted')::int + (r ->> 'event_counts')::int + (r ->> 'kpis_upserted')::int + (r ->> 'kpis_deleted')::int FROM second_run),
          0, 'a second run reports no change');
SELECT is((SELECT fp FROM rollup_fingerprint), (SELECT fp FROM fp1), 'a second run leaves every rollup row untouched (updated_at included)');

-- Late and out-of-order: events whose time lies days back, arriving now, into already rolled-up buckets,
-- plus a brand-new group and a bucket far in the past.
INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties, transport, country)
SELECT 'conversion', 'checkout', 'late' || i, 'u1', now() - interval '2 days' - i * interval '37 seconds', now() - interval '2 days',
       '{"revenue": 10}', 'tcp', 'US'
FROM generate_series(1, 50) i;
INSERT INTO analytics.events (type, name, occurred_at, original_timestamp, transport)
VALUES ('error', 'late_new_group', now() - interval '20 days', now() - interval '20 days', 'udp');
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'a run after late, out-of-order arrivals');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$,
              'late events are counted in their (old) buckets; rollup still equals the GROUP BY');

-- Deletes (an erasure) are picked up through eventd.rollup_retractions (011), without any new insert.
DELETE FROM analytics.events WHERE user_id = 'u1';
SELECT ok((SELECT count(*) > 0 FROM eventd.rollup_retractions), 'deleting raw events logs their old versions for subtraction');
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'a run after the erasure');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$,
              'after deletes the rollup equals the GROUP BY (groups that vanished are removed)');
SELECT is((SELECT count(*)::int FROM eventd.rollup_retractions), 0, 'the run consumed the retractions');
UPDATE analytics.events SET name = 'renamed' WHERE name = 'late_new_group';
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'a run after an UPDATE of raw events');
SELECT bag_eq($$SELECT * FROM actual_rollup$$, $$SELECT * FROM expected_rollup$$, 'updates move counts to the new group');

-- Business KPIs.
SELECT bag_eq($$SELECT bucket_start, dimensions ->> 'source' AS source, dimensions ->> 'status' AS status, value FROM analytics.metrics WHERE metric_name = 'leads.created'$$,
              $$SELECT date_trunc('day', created_at, 'UTC'), source::text, status::text, count(*)::numeric FROM marketing.leads GROUP BY 1, 2, 3$$,
              'leads.created equals a GROUP BY over marketing.leads');
SELECT bag_eq($$SELECT dimensions ->> 'experiment' AS experiment, dimensions ->> 'variant' AS variant, sum(value) FROM analytics.metrics WHERE metric_name = 'experiments.exposed' GROUP BY 1, 2$$,
              $$SELECT e.key, a.variant, count(*)::numeric FROM experiments.assignments a JOIN experiments.experiments e ON e.id = a.experiment_id
                WHERE a.exposed_at IS NOT NULL GROUP BY 1, 2$$,
              'experiments.exposed per variant equals the assignments');
UPDATE marketing.leads SET status = 'lost' WHERE status = 'new';
SELECT lives_ok($$SELECT analytics.run_rollups('15 minutes')$$, 'a run after lead status changes');

-- Dashboards answer the seed's monitoring queries (day-aligned windows).
SELECT bag_eq($$SELECT source, status, count FROM analytics.lead_funnel_30d$$,
              $$SELECT source::text, status::text, COUNT(*) FROM marketing.leads
                WHERE created_at >= date_trunc('day', NOW() - INTERVAL '30 days', 'UTC') GROUP BY source, status$$,
              'analytics.lead_funnel_30d answers the seed lead funnel query from rollups');
SELECT bag_eq($$SELECT current_step, status, sessions, round(avg_progress, 6) FROM analytics.onboarding_dropoff_7d$$,
              $$SELECT current_step::text, status::text, count(*), round(AVG(progress_percentage), 6) FROM onboarding.sessions
                WHERE started_at >= date_trunc('day', NOW() - INTERVAL '7 days', 'UTC') GROUP BY current_step, status$$,
              'analytics.onboarding_dropoff_7d answers the seed onboarding drop-off query from rollups');
SELECT bag_eq($$SELECT hour, type, events FROM analytics.events_per_hour_by_type$$,
              $$SELECT date_trunc('hour', occurred_at, 'UTC'), type, count(*) FROM analytics.events
                WHERE occurred_at >= date_trunc('hour', now() - interval '30 days', 'UTC') GROUP BY 1, 2$$,
              'analytics.events_per_hour_by_type equals the raw GROUP BY');

-- Rollup retention and the frozen horizon: after raw retention, buckets before the cutoff are not
-- recomputed (their raw events are gone), so a straggler cannot wipe a kept rollup.
INSERT INTO analytics.event_aggregations (bucket_width, bucket_start, type, name, transport, event_count)
VALUES ('day', date_trunc('day', now() - interval '800 days'), 'track', 'ancient', 'sql', 5),
       ('day', date_trunc('day', now() - interval '100 days'), 'track', 'kept', 'sql', 7);
SELECT is((analytics.drop_old_rollups('730 days') ->> 'event_aggregations')::int, 1, 'drop_old_rollups removes rollups past their retention');
SELECT lives_ok($$SELECT * FROM cleanup_old_data('90 days')$$, 'raw retention at 90 days');
INSERT INTO analytics.events (type, name, occurred_at, original_timestamp) VALUES ('track', 'kept', now() - interval '100 days', now() - interval '100 days');
SELECT is((analytics.run_rollups('15 minutes') ->> 'frozen')::int, 1, 'a straggler before the retention cutoff is not rolled up');
SELECT is((SELECT event_count::int FROM analytics.event_aggregations WHERE name = 'kept' AND bucket_width = 'day'), 7,
          'the kept rollup of a retained-away day is untouched');

SELECT * FROM finish();
ROLLBACK;
