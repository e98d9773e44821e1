-- 009: the events-per-hour-by-type dashboard from a rollup of its own.
--
-- why: analytics.events_per_hour_by_type (006) summed the hour rows of analytics.event_aggregations,
-- which are per type × name × transport × country × device: ~147k rows for 30 days of the 10M-event
-- benchmark, 39–90 ms p95 (target < 50 ms; Benchmarks/RESULTS.md). A covering index only made that
-- an index-only scan of the same 147k rows (35–42 ms p95). This table holds the view's answer, one
-- row per (hour, type) — 30 days × 9 types ≈ 6.5k rows, 1.3–1.7 ms p50 — and the view reads it.
--
-- Kept exact by statement-level triggers on analytics.event_aggregations, in the writer's transaction:
--  * every statement that writes event_aggregations (analytics.run_rollups, drop_old_rollups, a
--    backfill, a hand edit) hands its changed rows over as transition tables; the (hour, type) pairs
--    of the changed `hour` rows are recomputed completely from event_aggregations — recomputation,
--    never increments, so the table always equals the view's old GROUP BY over event_aggregations;
--  * run_rollups writes only rows whose values changed, so an idle or small run touches few pairs;
--  * GDPR erasure needs nothing new: a delete of raw events marks rollup_dirty (006), the next
--    run_rollups rewrites those event_aggregations rows, and this trigger follows;
--  * COPY into analytics.events is not touched at all.
CREATE TABLE analytics.event_hour_type_totals (
    hour        timestamptz NOT NULL,
    type        analytics.event_type NOT NULL,
    events      bigint NOT NULL CHECK (events >= 0),
    value_sum   numeric NOT NULL,
    revenue_sum numeric NOT NULL,
    PRIMARY KEY (hour, type)
);
COMMENT ON TABLE analytics.event_hour_type_totals IS
    'Events per UTC hour and type: the sums of analytics.event_aggregations'' hour rows over name, transport, country and device, kept exact by triggers on event_aggregations; read by analytics.events_per_hour_by_type.';
COMMENT ON COLUMN analytics.event_hour_type_totals.events IS 'sum(event_count) of the hour rows of event_aggregations for (hour, type).';

ALTER TABLE analytics.event_hour_type_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.event_hour_type_totals FORCE ROW LEVEL SECURITY;
CREATE POLICY event_hour_type_totals_admin ON analytics.event_hour_type_totals FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
GRANT SELECT ON analytics.event_hour_type_totals TO authenticated, eventd_admin;
GRANT ALL ON analytics.event_hour_type_totals TO service_role;

-- Recomputes the given (hour, type) pairs from event_aggregations: upserts what changed, removes
-- pairs with no hour rows left.  The join walks event_aggregations_bucket_key, whose prefix is
-- (bucket_width, bucket_start, type).
CREATE FUNCTION analytics.refresh_event_hour_type_totals(p_hours timestamptz[], p_types analytics.event_type[])
RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, analytics
AS $fn$
    DELETE FROM analytics.event_hour_type_totals t
    USING unnest(p_hours, p_types) AS p(hour, type)
    WHERE t.hour = p.hour AND t.type = p.type
      AND NOT EXISTS (SELECT 1 FROM analytics.event_aggregations a
                      WHERE a.bucket_width = 'hour' AND a.bucket_start = p.hour AND a.type = p.type);
    INSERT INTO analytics.event_hour_type_totals AS t (hour, type, events, value_sum, revenue_sum)
    SELECT a.bucket_start, a.type, sum(a.event_count), sum(a.value_sum), sum(a.revenue_sum)
    FROM unnest(p_hours, p_types) AS p(hour, type)
    JOIN analytics.event_aggregations a ON a.bucket_width = 'hour' AND a.bucket_start = p.hour AND a.type = p.type
    GROUP BY a.bucket_start, a.type
    ON CONFLICT (hour, type) DO UPDATE SET
        events = excluded.events, value_sum = excluded.value_sum, revenue_sum = excluded.revenue_sum
    WHERE (t.events, t.value_sum, t.revenue_sum) IS DISTINCT FROM (excluded.events, excluded.value_sum, excluded.revenue_sum);
$fn$;
COMMENT ON FUNCTION analytics.refresh_event_hour_type_totals(timestamptz[], analytics.event_type[]) IS
    'Recomputes analytics.event_hour_type_totals for the given (hour, type) pairs (parallel arrays) from the hour rows of analytics.event_aggregations.';

CREATE FUNCTION analytics.event_aggregations_follow_hours() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- whoever may write rollups must be able to keep the totals in step
SET search_path = pg_catalog, analytics
AS $fn$
-- Statement-level, one trigger per operation (a trigger with transition tables serves one event).
-- The transition tables hold every changed row of any width; only `hour` rows matter here.
DECLARE
    v_hours timestamptz[];
    v_types analytics.event_type[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM analytics.event_hour_type_totals;
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(k.bucket_start), array_agg(k.type) INTO v_hours, v_types
        FROM (SELECT DISTINCT n.bucket_start, n.type FROM new_rows n WHERE n.bucket_width = 'hour') k;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(k.bucket_start), array_agg(k.type) INTO v_hours, v_types
        FROM (SELECT DISTINCT o.bucket_start, o.type FROM old_rows o WHERE o.bucket_width = 'hour') k;
    ELSE
        SELECT array_agg(k.bucket_start), array_agg(k.type) INTO v_hours, v_types
        FROM (SELECT o.bucket_start, o.type FROM old_rows o WHERE o.bucket_width = 'hour'
              UNION
              SELECT n.bucket_start, n.type FROM new_rows n WHERE n.bucket_width = 'hour') k;
    END IF;
    IF v_hours IS NOT NULL THEN
        -- Two writers changing hour rows of the same (hour, type) at once (run_rollups is serialised
        -- already; rollup retention or a hand edit may not be) would each sum without the other's
        -- uncommitted rows, and the last to commit would win.  Taking this lock first makes them
        -- recompute one after the other: the recompute runs in statements that start after the lock
        -- is granted, so (READ COMMITTED) it sees every earlier holder's committed rows.
        PERFORM pg_advisory_xact_lock(hashtext('analytics.event_hour_type_totals'));
        PERFORM analytics.refresh_event_hour_type_totals(v_hours, v_types);
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION analytics.event_aggregations_follow_hours() IS
    'AFTER INSERT/UPDATE/DELETE/TRUNCATE statement trigger on analytics.event_aggregations: recomputes analytics.event_hour_type_totals for the (hour, type) pairs of the changed hour rows.';

CREATE TRIGGER event_aggregations_hours_insert AFTER INSERT ON analytics.event_aggregations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics.event_aggregations_follow_hours();
CREATE TRIGGER event_aggregations_hours_update AFTER UPDATE ON analytics.event_aggregations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics.event_aggregations_follow_hours();
CREATE TRIGGER event_aggregations_hours_delete AFTER DELETE ON analytics.event_aggregations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics.event_aggregations_follow_hours();
CREATE TRIGGER event_aggregations_hours_truncate AFTER TRUNCATE ON analytics.event_aggregations
    FOR EACH STATEMENT EXECUTE FUNCTION analytics.event_aggregations_follow_hours();

REVOKE EXECUTE ON FUNCTION
    analytics.refresh_event_hour_type_totals(timestamptz[], analytics.event_type[]),
    analytics.event_aggregations_follow_hours()
    FROM PUBLIC;

-- The rollups that exist already (the trigger sees only what is written from now on).
INSERT INTO analytics.event_hour_type_totals (hour, type, events, value_sum, revenue_sum)
SELECT a.bucket_start, a.type, sum(a.event_count), sum(a.value_sum), sum(a.revenue_sum)
FROM analytics.event_aggregations a
WHERE a.bucket_width = 'hour'
GROUP BY a.bucket_start, a.type;

-- Same name, columns, types and meaning as in 006; users' queries keep working.
CREATE OR REPLACE VIEW analytics.events_per_hour_by_type WITH (security_invoker = true) AS
SELECT t.hour, t.type, t.events, t.value_sum, t.revenue_sum
FROM analytics.event_hour_type_totals t
WHERE t.hour >= date_trunc('hour', now() - interval '30 days', 'UTC');
COMMENT ON VIEW analytics.events_per_hour_by_type IS
    'Dashboard: events per hour by type over the last 30 days, from analytics.event_hour_type_totals (the hour rollups summed per type).';
