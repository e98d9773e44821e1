-- Since 011 (incremental rollups) the backfill is run_rollups() itself: with no frontier it reads every
-- raw event once in one GROUP BY and builds the member sets the distinct counts need (a set-based
-- backfill below would leave none, and the next run would start over anyway).
SELECT to_regclass('analytics.event_aggregation_members') IS NOT NULL AS incremental_rollups \gset
\if :incremental_rollups
SELECT analytics.reset_rollups();
SELECT analytics.run_rollups();
\quit
\endif

-- Backfill of analytics.event_aggregations for a whole dataset, set-based: the same groups and
-- measures that process_pending_events() (004) recomputes bucket by bucket, computed with one
-- GROUP BY per bucket width, then the watermark advanced so the incremental function takes over.
-- Used by query_bench.py for the 10M-event dataset: process_pending_events() recomputes each of the
-- ~44k touched minute/hour/day buckets with its own range join and had not finished after 11 min.
INSERT INTO eventd.rollup_state (name, watermark) VALUES ('analytics.event_aggregations', '-infinity')
ON CONFLICT (name) DO NOTHING;

-- One statement per width, over only the grouped columns (not the jsonb), with enough work_mem to
-- sort 10M narrow rows in memory: the first version, one GROUP BY over all three widths carrying
-- properties, spilled a 6 GB sort to disk.
SET work_mem = '1GB';
CREATE TEMP TABLE backfill_src AS
SELECT occurred_at, type, name, transport, country, device_type, session_id, user_id,
       CASE WHEN jsonb_typeof(properties -> 'value') = 'number' THEN (properties ->> 'value')::numeric END AS value,
       CASE WHEN jsonb_typeof(properties -> 'revenue') = 'number' THEN (properties ->> 'revenue')::numeric END AS revenue
FROM analytics.events;

-- minute buckets
INSERT INTO analytics.event_aggregations AS a
    (bucket_width, bucket_start, type, name, transport, country, device_type,
     event_count, distinct_sessions, distinct_users, value_sum, revenue_sum, updated_at)
SELECT w.w, date_trunc(w.w::text, e.occurred_at, 'UTC'), e.type, e.name, e.transport, e.country, e.device_type,
       count(*), count(DISTINCT e.session_id), count(DISTINCT e.user_id),
       coalesce(sum(e.value), 0), coalesce(sum(e.revenue), 0), now()
FROM backfill_src e, unnest(ARRAY['minute']::analytics.bucket_width[]) AS w(w)
GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT ON CONSTRAINT event_aggregations_bucket_key DO UPDATE SET
    event_count = excluded.event_count, distinct_sessions = excluded.distinct_sessions,
    distinct_users = excluded.distinct_users, value_sum = excluded.value_sum,
    revenue_sum = excluded.revenue_sum, updated_at = excluded.updated_at;

-- hour buckets
INSERT INTO analytics.event_aggregations AS a
    (bucket_width, bucket_start, type, name, transport, country, device_type,
     event_count, distinct_sessions, distinct_users, value_sum, revenue_sum, updated_at)
SELECT w.w, date_trunc(w.w::text, e.occurred_at, 'UTC'), e.type, e.name, e.transport, e.country, e.device_type,
       count(*), count(DISTINCT e.session_id), count(DISTINCT e.user_id),
       coalesce(sum(e.value), 0), coalesce(sum(e.revenue), 0), now()
FROM backfill_src e, unnest(ARRAY['hour']::analytics.bucket_width[]) AS w(w)
GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT ON CONSTRAINT event_aggregations_bucket_key DO UPDATE SET
    event_count = excluded.event_count, distinct_sessions = excluded.distinct_sessions,
    distinct_users = excluded.distinct_users, value_sum = excluded.value_sum,
    revenue_sum = excluded.revenue_sum, updated_at = excluded.updated_at;

-- day buckets
INSERT INTO analytics.event_aggregations AS a
    (bucket_width, bucket_start, type, name, transport, country, device_type,
     event_count, distinct_sessions, distinct_users, value_sum, revenue_sum, updated_at)
SELECT w.w, date_trunc(w.w::text, e.occurred_at, 'UTC'), e.type, e.name, e.transport, e.country, e.device_type,
       count(*), count(DISTINCT e.session_id), count(DISTINCT e.user_id),
       coalesce(sum(e.value), 0), coalesce(sum(e.revenue), 0), now()
FROM backfill_src e, unnest(ARRAY['day']::analytics.bucket_width[]) AS w(w)
GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT ON CONSTRAINT event_aggregations_bucket_key DO UPDATE SET
    event_count = excluded.event_count, distinct_sessions = excluded.distinct_sessions,
    distinct_users = excluded.distinct_users, value_sum = excluded.value_sum,
    revenue_sum = excluded.revenue_sum, updated_at = excluded.updated_at;

-- The business KPIs in analytics.metrics that the lead-funnel and drop-off views read (006 and later;
-- run_rollups() does this at the end of every run).  event_hour_type_totals (009) follows the
-- hour rows above by itself, through its triggers on event_aggregations.
DO $kpis$
BEGIN
    IF to_regproc('analytics.refresh_business_metrics') IS NOT NULL THEN
        EXECUTE 'SELECT analytics.refresh_business_metrics()';
    END IF;
END
$kpis$;

UPDATE eventd.rollup_state SET watermark = now(), updated_at = now() WHERE name = 'analytics.event_aggregations';
DROP TABLE backfill_src;
