-- 006_rollups.sql
-- The real rollup: analytics.event_aggregations and analytics.metrics kept exact and fresh by
-- analytics.run_rollups(), which eventd calls on an interval (and `eventd rollup --once`).
-- Replaces the 004 placeholder behind public.process_pending_events(); adds rollup retention and the
-- dashboard views that read rollups instead of raw events.
--
-- Design (why it is exact, and why COPY stays fast):
--  * No INSERT trigger on analytics.events.  A run finds what arrived by created_at (the inserting
--    transaction's now()), through a BRIN index that costs COPY almost nothing.
--  * The watermark is safe against late commits.  created_at is the transaction START time, so a long
--    COPY that commits after a run can hold rows "older" than the watermark that run took.  Each run
--    therefore only advances the watermark to least(now(), xact_start of the oldest transaction still
--    open in this database, read from pg_stat_activity BEFORE the scan).  Every row below that bound
--    was committed, hence visible, when the scan ran.  Rows are re-read from watermark - late_window,
--    which also covers the few microseconds between a backend taking its start time and publishing it.
--    (Alternatives rejected: xmin/txid tracking cannot use an index on analytics.events (system columns
--    are not indexable); a clock_timestamp() default still needs the open-transaction bound.)
--  * Recomputation, never increments.  The (scope bucket, type, name) pairs touched by those rows are
--    recomputed completely from raw events for every configured width, so re-reading a row is harmless,
--    a second run changes nothing, and a run killed halfway (one transaction) leaves no trace.
--  * Deletes and updates of raw events (GDPR erasure) mark their groups in eventd.rollup_dirty through
--    STATEMENT-level triggers: COPY and INSERT never fire them.  Retention deletes do not mark: rollups
--    outlive raw events on purpose, and buckets older than the last retention cutoff are frozen.
--  * One runner at a time: pg_try_advisory_xact_lock; a second instance skips instead of waiting.

-- ---------------------------------------------------------------------------
-- Finding new rows: BRIN(created_at).  Rows are appended in created_at order, so a BRIN range index
-- stays tight and is cheap to maintain on the COPY path (one summary per 32 pages).
-- ---------------------------------------------------------------------------
CREATE INDEX events_created_brin ON analytics.events USING brin (created_at) WITH (pages_per_range = 32);
COMMENT ON INDEX analytics.events_created_brin IS 'Lets analytics.run_rollups() find rows inserted since its watermark without a scan.';

-- ---------------------------------------------------------------------------
-- Bookkeeping
-- ---------------------------------------------------------------------------
ALTER TABLE eventd.rollup_state ADD COLUMN last_result jsonb;
COMMENT ON COLUMN eventd.rollup_state.last_result IS 'What the last completed run did (analytics.run_rollups() result).';
COMMENT ON COLUMN eventd.rollup_state.watermark IS
    'Every analytics.events row with created_at below this was committed and folded in by a completed run; runs re-read from watermark - late_window.';

CREATE TABLE eventd.rollup_dirty (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    minute_start timestamptz NOT NULL,
    type         analytics.event_type NOT NULL,
    name         text NOT NULL,
    marked_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE eventd.rollup_dirty IS 'Groups whose raw events were deleted or updated (e.g. GDPR erasure); the next rollup run recomputes and clears them.';
ALTER TABLE eventd.rollup_dirty ENABLE ROW LEVEL SECURITY;
CREATE POLICY rollup_dirty_admin ON eventd.rollup_dirty FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
GRANT ALL ON eventd.rollup_dirty TO service_role;
GRANT SELECT ON eventd.rollup_dirty TO eventd_admin;

CREATE FUNCTION analytics.events_mark_rollup_dirty() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- whoever may delete events must be able to leave the mark
SET search_path = pg_catalog, analytics
AS $fn$
-- Statement-level (one call per DELETE/UPDATE statement, none for COPY/INSERT).
BEGIN
    IF current_setting('eventd.maintenance', true) = 'retention' THEN
        RETURN NULL;  -- retention: rollups are kept longer than raw events on purpose
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO eventd.rollup_dirty (minute_start, type, name)
        SELECT DISTINCT date_trunc('minute', o.occurred_at, 'UTC'), o.type, o.name FROM old_rows o;
    ELSE
        INSERT INTO eventd.rollup_dirty (minute_start, type, name)
        SELECT date_trunc('minute', o.occurred_at, 'UTC'), o.type, o.name FROM old_rows o
        UNION
        SELECT date_trunc('minute', n.occurred_at, 'UTC'), n.type, n.name FROM new_rows n;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION analytics.events_mark_rollup_dirty() IS
    'AFTER DELETE/UPDATE statement trigger on analytics.events: records the touched (minute, type, name) groups in eventd.rollup_dirty (skipped during retention).';

CREATE TRIGGER events_rollup_dirty_delete AFTER DELETE ON analytics.events
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics.events_mark_rollup_dirty();
CREATE TRIGGER events_rollup_dirty_update AFTER UPDATE ON analytics.events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics.events_mark_rollup_dirty();

-- ---------------------------------------------------------------------------
-- Business KPIs in analytics.metrics (day buckets, UTC)
-- ---------------------------------------------------------------------------
CREATE FUNCTION analytics.refresh_business_metrics() RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, analytics
SET work_mem = '64MB'  -- keeps the NOT IN anti-joins hashed
AS $fn$
-- The KPI sources (leads, onboarding sessions, assignments, WhatsApp accounts) are small, mutable
-- business tables, so each run recomputes these metrics completely and writes only the differences:
-- exact by construction, and a run with nothing new writes nothing.
--   leads.created            {source, status}         by leads.created_at        (lead funnel)
--   onboarding.sessions      {current_step, status}   by sessions.started_at     (drop-off; count)
--   onboarding.progress_sum  {current_step, status}   by sessions.started_at     (avg = sum / count)
--   onboarding.step_completed {step}                  by <step>_completed_at     (completion per step)
--   onboarding.completed     {}                       by completed_at
--   onboarding.abandoned     {step}                   by abandoned_at            (drop-off step)
--   experiments.assigned / .exposed / .converted {experiment, variant} by assigned_at / exposed_at / converted_at
--   whatsapp.accounts        {status}                 by accounts.created_at     (activation = active / all)
--   whatsapp.activated       {}                       by webhook_verified_at (else created_at) of active accounts
DECLARE
    v_names    text[] := ARRAY['leads.created', 'onboarding.sessions', 'onboarding.progress_sum',
                               'onboarding.step_completed', 'onboarding.completed', 'onboarding.abandoned',
                               'experiments.assigned', 'experiments.exposed', 'experiments.converted',
                               'whatsapp.accounts', 'whatsapp.activated'];
    v_upserted bigint;
    v_deleted  bigint;
BEGIN
    DROP TABLE IF EXISTS pg_temp.rollup_kpi_fresh;
    CREATE TEMP TABLE rollup_kpi_fresh ON COMMIT DROP AS
    SELECT metric_name, 'day'::analytics.bucket_width AS bucket_width, bucket_start, dimensions, value
    FROM (
        SELECT 'leads.created' AS metric_name, date_trunc('day', l.created_at, 'UTC') AS bucket_start,
               jsonb_build_object('source', l.source, 'status', l.status) AS dimensions, count(*)::numeric AS value
        FROM marketing.leads l GROUP BY 1, 2, 3
        UNION ALL
        SELECT 'onboarding.sessions', date_trunc('day', s.started_at, 'UTC'),
               jsonb_build_object('current_step', s.current_step, 'status', s.status), count(*)
        FROM onboarding.sessions s GROUP BY 1, 2, 3
        UNION ALL
        SELECT 'onboarding.progress_sum', date_trunc('day', s.started_at, 'UTC'),
               jsonb_build_object('current_step', s.current_step, 'status', s.status), sum(s.progress_percentage)
        FROM onboarding.sessions s GROUP BY 1, 2, 3
        UNION ALL
        SELECT 'onboarding.step_completed', date_trunc('day', c.at, 'UTC'), jsonb_build_object('step', c.step), count(*)
        FROM onboarding.sessions s
        CROSS JOIN LATERAL (VALUES ('business_info', s.business_info_completed_at),
                                   ('whatsapp_connection', s.whatsapp_connection_completed_at),
                                   ('bot_setup', s.bot_setup_completed_at),
                                   ('templates', s.templates_completed_at),
                                   ('go_live', s.go_live_completed_at)) AS c(step, at)
        WHERE c.at IS NOT NULL GROUP BY 1, 2, 3
        UNION ALL
        SELECT 'onboarding.completed', date_trunc('day', s.completed_at, 'UTC'), '{}'::jsonb, count(*)
        FROM onboarding.sessions s WHERE s.completed_at IS NOT NULL GROUP BY 1, 2, 3
        UNION ALL
        SELECT 'onboarding.abandoned', date_trunc('day', s.abandoned_at, 'UTC'), jsonb_build_object('step', s.current_step), count(*)
        FROM onboarding.sessions s WHERE s.status = 'abandoned' GROUP BY 1, 2, 3
        UNION ALL
        SELECT 'experiments.' || x.what, date_trunc('day', x.at, 'UTC'),
               jsonb_build_object('experiment', e.key, 'variant', a.variant), count(*)
        FROM experiments.assignments a
        JOIN experiments.experiments e ON e.id = a.experiment_id
        CROSS JOIN LATERAL (VALUES ('assigned', a.assigned_at), ('exposed', a.exposed_at), ('converted', a.converted_at)) AS x(what, at)
        WHERE x.at IS NOT NULL GROUP BY 1, 2, 3
        UNION ALL
        SELECT 'whatsapp.accounts', date_trunc('day', w.created_at, 'UTC'), jsonb_build_object('status', w.status), count(*)
        FROM whatsapp.accounts w GROUP BY 1, 2, 3
        UNION ALL
        SELECT 'whatsapp.activated', date_trunc('day', coalesce(w.webhook_verified_at, w.created_at), 'UTC'), '{}'::jsonb, count(*)
        FROM whatsapp.accounts w WHERE w.status = 'active' GROUP BY 1, 2, 3
    ) k;
    ANALYZE rollup_kpi_fresh;

    INSERT INTO analytics.metrics AS m (metric_name, bucket_width, bucket_start, dimensions, value, updated_at)
    SELECT f.metric_name, f.bucket_width, f.bucket_start, f.dimensions, f.value, now() FROM rollup_kpi_fresh f
    ON CONFLICT ON CONSTRAINT metrics_bucket_key DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
    WHERE m.value IS DISTINCT FROM excluded.value;
    GET DIAGNOSTICS v_upserted = ROW_COUNT;

    DELETE FROM analytics.metrics m
    WHERE m.metric_name = ANY (v_names)
      AND (m.metric_name, m.bucket_width, m.bucket_start, m.dimensions)
          NOT IN (SELECT f.metric_name, f.bucket_width, f.bucket_start, f.dimensions FROM rollup_kpi_fresh f);
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    DROP TABLE pg_temp.rollup_kpi_fresh;
    RETURN jsonb_build_object('upserted', v_upserted, 'deleted', v_deleted);
END
$fn$;
COMMENT ON FUNCTION analytics.refresh_business_metrics() IS
    'Recomputes the business KPIs in analytics.metrics (lead funnel, onboarding completion/drop-off, experiment exposure/conversion, WhatsApp activation) and writes only the differences.';

-- ---------------------------------------------------------------------------
-- The rollup run
-- ---------------------------------------------------------------------------
CREATE FUNCTION analytics.run_rollups(
    p_late_window interval DEFAULT '15 minutes',
    p_buckets analytics.bucket_width[] DEFAULT '{minute,hour,day}')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, analytics
SET work_mem = '64MB'  -- keeps the NOT IN anti-joins hashed and the recompute sorts in memory
AS $fn$
-- One run = one transaction (the caller's).  Steps:
--  1. try the advisory lock; another runner holds it -> {"skipped": true}.
--  2. safe bound = least(now(), oldest open transaction's xact_start in this database) -- read first.
--  3. scopes = (widest-bucket start, type, name) of rows with created_at >= watermark - late_window,
--     plus groups marked dirty by deletes/updates; scopes before the last retention cutoff are frozen.
--  4. recompute every configured width inside those scopes from raw events; upsert what changed,
--     delete groups that no longer exist; refresh events.count for the touched buckets.
--  5. refresh the business KPIs; advance the watermark to greatest(watermark, safe bound).
DECLARE
    v_started  timestamptz := clock_timestamp();
    v_key      constant text := 'analytics.event_aggregations';
    v_safe     timestamptz;
    v_hidden   bigint;
    v_mark     timestamptz;
    v_scope_w  analytics.bucket_width;
    v_width    interval;
    v_horizon  timestamptz;
    v_scopes   bigint;
    v_dirty    bigint;
    v_frozen   bigint;
    v_upserted bigint;
    v_deleted  bigint;
    v_counts   bigint;
    v_n        bigint;
    v_kpis     jsonb;
    v_result   jsonb;
BEGIN
    IF p_late_window IS NULL OR p_late_window < interval '0' THEN
        RAISE EXCEPTION 'run_rollups: late window must be >= 0 (got %)', p_late_window USING ERRCODE = '22023';
    END IF;
    IF p_buckets IS NULL OR cardinality(p_buckets) = 0 OR array_position(p_buckets, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'run_rollups: at least one bucket width is required' USING ERRCODE = '22023';
    END IF;
    IF NOT pg_try_advisory_xact_lock(hashtext('analytics.run_rollups')) THEN
        RETURN jsonb_build_object('skipped', true, 'reason', 'another rollup run holds the lock');
    END IF;

    -- (2) Before any scan.  Rows of a transaction still open now have created_at >= its xact_start
    -- >= v_safe; every transaction that started earlier has committed (or aborted) and is visible below.
    SELECT least(now(), min(a.xact_start)),
           count(*) FILTER (WHERE a.xact_start IS NULL AND a.backend_type = 'client backend'
                                  AND a.query = '<insufficient privilege>')
      INTO v_safe, v_hidden
      FROM pg_stat_activity a
     WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
       AND a.backend_type NOT IN ('autovacuum worker', 'autovacuum launcher', 'walsender');
    IF v_hidden > 0 THEN
        -- Sessions of other roles are hidden from us: fall back to the late window as the only guard.
        RAISE WARNING 'run_rollups: % session(s) hidden in pg_stat_activity; grant pg_read_all_stats to the rollup role for a safe watermark', v_hidden;
        v_safe := least(v_safe, now() - p_late_window);
    END IF;

    INSERT INTO eventd.rollup_state (name, watermark) VALUES (v_key, '-infinity') ON CONFLICT (name) DO NOTHING;
    SELECT watermark INTO v_mark FROM eventd.rollup_state WHERE name = v_key FOR UPDATE;

    SELECT max(b) INTO v_scope_w FROM unnest(p_buckets) AS b;
    v_width := ('1 ' || v_scope_w::text)::interval;
    SELECT coalesce(max((l.new_data ->> 'cutoff')::timestamptz), '-infinity') INTO v_horizon
    FROM public.audit_log l WHERE l.operation = 'RETENTION' AND l.table_name = 'cleanup_old_data';

    -- (3) Scopes.
    DROP TABLE IF EXISTS pg_temp.rollup_touched, pg_temp.rollup_scope, pg_temp.rollup_fresh, pg_temp.rollup_counts;
    CREATE TEMP TABLE rollup_touched ON COMMIT DROP AS
    SELECT DISTINCT date_trunc(v_scope_w::text, e.occurred_at, 'UTC') AS scope_start, e.type, e.name
    FROM analytics.events e WHERE e.created_at >= v_mark - p_late_window;
    WITH consumed AS (DELETE FROM eventd.rollup_dirty RETURNING minute_start, type, name)
    INSERT INTO rollup_touched
    SELECT DISTINCT date_trunc(v_scope_w::text, c.minute_start, 'UTC'), c.type, c.name FROM consumed c;
    GET DIAGNOSTICS v_dirty = ROW_COUNT;
    CREATE TEMP TABLE rollup_scope ON COMMIT DROP AS
    SELECT DISTINCT t.scope_start, t.type, t.name FROM rollup_touched t WHERE t.scope_start >= v_horizon;
    GET DIAGNOSTICS v_scopes = ROW_COUNT;
    SELECT count(*) INTO v_frozen FROM (SELECT DISTINCT * FROM rollup_touched WHERE scope_start < v_horizon) f;
    ANALYZE rollup_scope;

    -- (4) Recompute every configured width inside the scopes.  The join walks the
    -- (type, name, occurred_at) index of each partition; occurred_at is not the partition key.
    CREATE TEMP TABLE rollup_fresh ON COMMIT DROP AS
    SELECT w.w AS bucket_width, date_trunc(w.w::text, e.occurred_at, 'UTC') AS bucket_start,
           e.type, e.name, e.transport, e.country, e.device_type,
           count(*) AS event_count,
           count(DISTINCT e.session_id) AS distinct_sessions,
           count(DISTINCT e.user_id) AS distinct_users,
           coalesce(sum((e.properties ->> 'value')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'value') = 'number'), 0) AS value_sum,
           coalesce(sum((e.properties ->> 'revenue')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'revenue') = 'number'), 0) AS revenue_sum,
           ROW(w.w, date_trunc(w.w::text, e.occurred_at, 'UTC'), e.type, e.name, e.transport, e.country, e.device_type)::text AS k
    FROM rollup_scope s
    JOIN analytics.events e ON e.type = s.type AND e.name = s.name
                           AND e.occurred_at >= s.scope_start AND e.occurred_at < s.scope_start + v_width
    CROSS JOIN unnest(p_buckets) AS w(w)
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
    ANALYZE rollup_fresh;

    -- Groups of a scope that no longer exist in raw events (deleted, or moved by an update).
    -- k = ROW(...)::text is a NULL-aware, never-NULL key ('(a,)' vs '(a,"")').  Anti-joins in this file are
    -- written as NOT IN over never-NULL keys: that is a hashed subplan whatever the (often stale, right
    -- after a big run) statistics of the target table say; NOT EXISTS let the planner pick nested loops.
    DELETE FROM analytics.event_aggregations a
    USING rollup_scope s
    WHERE a.type = s.type AND a.name = s.name
      AND a.bucket_start >= s.scope_start AND a.bucket_start < s.scope_start + v_width
      AND a.bucket_width = ANY (p_buckets)
      AND ROW(a.bucket_width, a.bucket_start, a.type, a.name, a.transport, a.country, a.device_type)::text
          NOT IN (SELECT f.k FROM rollup_fresh f);
    GET DIAGNOSTICS v_deleted = ROW_COUNT;

    INSERT INTO analytics.event_aggregations AS a
        (bucket_width, bucket_start, type, name, transport, country, device_type,
         event_count, distinct_sessions, distinct_users, value_sum, revenue_sum, updated_at)
    SELECT f.bucket_width, f.bucket_start, f.type, f.name, f.transport, f.country, f.device_type,
           f.event_count, f.distinct_sessions, f.distinct_users, f.value_sum, f.revenue_sum, now()
    FROM rollup_fresh f
    ON CONFLICT ON CONSTRAINT event_aggregations_bucket_key DO UPDATE SET
        event_count = excluded.event_count, distinct_sessions = excluded.distinct_sessions,
        distinct_users = excluded.distinct_users, value_sum = excluded.value_sum,
        revenue_sum = excluded.revenue_sum, updated_at = excluded.updated_at
    WHERE (a.event_count, a.distinct_sessions, a.distinct_users, a.value_sum, a.revenue_sum)
          IS DISTINCT FROM (excluded.event_count, excluded.distinct_sessions, excluded.distinct_users,
                            excluded.value_sum, excluded.revenue_sum);
    GET DIAGNOSTICS v_upserted = ROW_COUNT;

    -- events.count (all types) per touched bucket, summed from the now exact event_aggregations.
    -- Temp tables with fresh statistics: the planner misjudges CTEs here and picks nested loops.
    CREATE TEMP TABLE rollup_counts ON COMMIT DROP AS
    SELECT a.bucket_width, a.bucket_start, sum(a.event_count)::numeric AS value
    FROM (SELECT DISTINCT scope_start FROM rollup_scope) p
    JOIN analytics.event_aggregations a ON a.bucket_start >= p.scope_start AND a.bucket_start < p.scope_start + v_width
    WHERE a.bucket_width = ANY (p_buckets)
    GROUP BY a.bucket_width, a.bucket_start;
    ANALYZE rollup_counts;
    DELETE FROM analytics.metrics m
    USING (SELECT DISTINCT scope_start FROM rollup_scope) p
    WHERE m.metric_name = 'events.count' AND m.dimensions = '{}'
      AND m.bucket_width = ANY (p_buckets)
      AND m.bucket_start >= p.scope_start AND m.bucket_start < p.scope_start + v_width
      AND (m.bucket_width, m.bucket_start) NOT IN (SELECT f.bucket_width, f.bucket_start FROM rollup_counts f);
    GET DIAGNOSTICS v_counts = ROW_COUNT;
    INSERT INTO analytics.metrics AS m (metric_name, bucket_width, bucket_start, dimensions, value, updated_at)
    SELECT 'events.count', f.bucket_width, f.bucket_start, '{}', f.value, now() FROM rollup_counts f
    ON CONFLICT ON CONSTRAINT metrics_bucket_key DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
    WHERE m.value IS DISTINCT FROM excluded.value;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    v_counts := v_counts + v_n;

    -- (5)
    v_kpis := analytics.refresh_business_metrics();
    v_result := jsonb_build_object(
        'skipped', false,
        'scopes', v_scopes, 'dirty', v_dirty, 'frozen', v_frozen,
        'upserted', v_upserted, 'deleted', v_deleted, 'event_counts', v_counts,
        'kpis_upserted', v_kpis -> 'upserted', 'kpis_deleted', v_kpis -> 'deleted',
        'watermark', greatest(v_mark, v_safe),
        'ms', round(extract(epoch FROM clock_timestamp() - v_started) * 1000, 1));
    UPDATE eventd.rollup_state
    SET watermark = greatest(watermark, v_safe), updated_at = now(), last_result = v_result
    WHERE name = v_key;
    DROP TABLE pg_temp.rollup_touched, pg_temp.rollup_scope, pg_temp.rollup_fresh, pg_temp.rollup_counts;
    RETURN v_result;
END
$fn$;
COMMENT ON FUNCTION analytics.run_rollups(interval, analytics.bucket_width[]) IS
    'Exact incremental rollup of analytics.events into event_aggregations and metrics (see 006_rollups.sql); one runner at a time (advisory lock, others skip). Returns what it did as jsonb.';

-- The seed's maintenance entry point now runs the real rollup (batch = late window).
CREATE OR REPLACE FUNCTION public.process_pending_events(batch interval DEFAULT '5 minutes') RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $fn$
BEGIN
    RETURN analytics.run_rollups(batch, '{minute,hour,day}');
END
$fn$;
COMMENT ON FUNCTION public.process_pending_events(interval) IS
    'Runs analytics.run_rollups(batch) for minute, hour and day buckets: exact incremental refresh of event_aggregations and metrics; never updates analytics.events.';

-- ---------------------------------------------------------------------------
-- Rollup retention (raw events go by cleanup_old_data(); minute buckets with them)
-- ---------------------------------------------------------------------------
CREATE FUNCTION analytics.drop_old_rollups(p_older_than interval DEFAULT '730 days') RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, analytics
AS $fn$
DECLARE
    v_cutoff timestamptz := now() - p_older_than;
    v_aggs   bigint;
    v_kpis   bigint;
BEGIN
    IF p_older_than IS NULL OR p_older_than < interval '1 day' THEN
        RAISE EXCEPTION 'drop_old_rollups: retention must be at least 1 day (got %)', p_older_than USING ERRCODE = '22023';
    END IF;
    DELETE FROM analytics.event_aggregations WHERE bucket_start < v_cutoff;
    GET DIAGNOSTICS v_aggs = ROW_COUNT;
    DELETE FROM analytics.metrics WHERE bucket_start < v_cutoff;
    GET DIAGNOSTICS v_kpis = ROW_COUNT;
    RETURN jsonb_build_object('event_aggregations', v_aggs, 'metrics', v_kpis, 'cutoff', v_cutoff);
END
$fn$;
COMMENT ON FUNCTION analytics.drop_old_rollups(interval) IS
    'Deletes rollup rows (event_aggregations, metrics) whose bucket starts before now() - p_older_than (default two years).';

-- ---------------------------------------------------------------------------
-- Dashboards: the seed's monitoring queries, answered from rollups.  security_invoker so the caller's
-- RLS applies (admins and service_role see rollups; anon does not).
-- ---------------------------------------------------------------------------
CREATE VIEW analytics.events_per_hour_by_type WITH (security_invoker = true) AS
SELECT a.bucket_start AS hour, a.type,
       sum(a.event_count)::bigint AS events,
       sum(a.value_sum) AS value_sum,
       sum(a.revenue_sum) AS revenue_sum
FROM analytics.event_aggregations a
WHERE a.bucket_width = 'hour' AND a.bucket_start >= date_trunc('hour', now() - interval '30 days', 'UTC')
GROUP BY a.bucket_start, a.type;
COMMENT ON VIEW analytics.events_per_hour_by_type IS 'Dashboard: events per hour by type over the last 30 days, from hour rollups.';

CREATE VIEW analytics.lead_funnel_30d WITH (security_invoker = true) AS
SELECT m.dimensions ->> 'source' AS source, m.dimensions ->> 'status' AS status, sum(m.value)::bigint AS count
FROM analytics.metrics m
WHERE m.metric_name = 'leads.created' AND m.bucket_width = 'day'
  AND m.bucket_start >= date_trunc('day', now() - interval '30 days', 'UTC')
GROUP BY 1, 2;
COMMENT ON VIEW analytics.lead_funnel_30d IS
    'Dashboard: leads created in the last 30 days (whole UTC days, today included) by source and current status, from analytics.metrics.';

CREATE VIEW analytics.onboarding_dropoff_7d WITH (security_invoker = true) AS
SELECT c.dimensions ->> 'current_step' AS current_step, c.dimensions ->> 'status' AS status,
       sum(c.value)::bigint AS sessions,
       sum(p.value) / nullif(sum(c.value), 0) AS avg_progress
FROM analytics.metrics c
JOIN analytics.metrics p ON p.metric_name = 'onboarding.progress_sum' AND p.bucket_width = c.bucket_width
                        AND p.bucket_start = c.bucket_start AND p.dimensions = c.dimensions
WHERE c.metric_name = 'onboarding.sessions' AND c.bucket_width = 'day'
  AND c.bucket_start >= date_trunc('day', now() - interval '7 days', 'UTC')
GROUP BY 1, 2;
COMMENT ON VIEW analytics.onboarding_dropoff_7d IS
    'Dashboard: onboarding sessions started in the last 7 days (whole UTC days) by current step and status with average progress, from analytics.metrics.';

GRANT SELECT ON analytics.events_per_hour_by_type, analytics.lead_funnel_30d, analytics.onboarding_dropoff_7d
    TO authenticated, eventd_admin, service_role;

-- ---------------------------------------------------------------------------
-- EXECUTE privileges
-- ---------------------------------------------------------------------------
REVOKE EXECUTE ON FUNCTION
    analytics.run_rollups(interval, analytics.bucket_width[]), analytics.refresh_business_metrics(),
    analytics.drop_old_rollups(interval), analytics.events_mark_rollup_dirty()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    analytics.run_rollups(interval, analytics.bucket_width[]), analytics.refresh_business_metrics(),
    analytics.drop_old_rollups(interval)
    TO service_role, eventd_admin;
