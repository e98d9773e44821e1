-- 011_incremental_rollups.sql
-- analytics.run_rollups() made incremental (issue #15): a run reads only the rows it has not folded in
-- yet, aggregates them, and merges the partial results into the minute, hour and day buckets.  Counts
-- and sums add; distinct sessions/users follow from per-bucket member sets; deletes and updates of raw
-- events subtract exactly.  006's recompute-the-day-slice design cost O(day) per run; this costs
-- O(new rows + rows re-read inside the late window), and re-reading is filtered, never re-counted.
--
-- Why a run is exact (the frontier):
--  * "Folded" is decided per row VERSION by the transaction that wrote it, not by a time window.
--    One statement of each run (the "scan") takes a snapshot S and reads the candidate rows; the run
--    then records S as the new frontier: xmin(S) (every xid below it had finished when S was taken)
--    plus eventd.rollup_folded_xids, the xids at or above xmin(S) whose rows S saw.  A row version with
--    writer xid x was folded by an earlier run iff x is in that set, or x < the recorded xmin(S) (then
--    x had finished, and if it committed its rows were visible to S and read by that run or an earlier
--    one).  Rows of x commit together, so "x's rows were visible to S" is all or nothing -- except for
--    the runner's own open transaction (a run inside the transaction that inserted the rows, as in the
--    pgTAP files):
--    those xids are stored with below_cid = the scan's command id, and only their rows with a smaller
--    cmin count as folded.  Xids are compared as 64-bit values: full(x) = B - age(x), where age() counts
--    from the transaction's "stable" xid (ours, or the next xid if age() ran before ours was assigned)
--    and B is that xid's 64-bit value, B = our xid + age(our xid); exact for any xid within 2^31 of B
--    (rows the rollup reads are recent).  age() rather than xmin::text::bigint: over 2.07M rows it
--    added ~46 ns a row to a scan, the text round trip ~124 ns (sum() over a day's partition, warm).
--  * Which rows are candidates still comes from created_at (BRIN) and the 006 watermark: created_at is
--    the writer's transaction start, and the watermark W never passes the start of a transaction that
--    was open when the previous run read pg_stat_activity (read BEFORE its scan), so every row that run
--    could not see has created_at >= W; candidates are created_at >= W - late_window (the window covers
--    a backend that had taken its start time but not yet published it, and sessions hidden from
--    pg_stat_activity).  Re-reading inside that window is harmless: the frontier filters those rows
--    out before any aggregation, so nothing is counted twice, and a quiet run costs one BRIN range scan.
--  * Deletes and updates: a BEFORE DELETE/UPDATE row trigger (none for COPY/INSERT: the hot path is
--    untouched) copies the old version, with its xmin and cmin, to eventd.rollup_retractions in the
--    deleting transaction -- an aborted delete leaves no entry.  The scan consumes (DELETE ... RETURNING)
--    exactly the entries its own snapshot sees, i.e. the deletes committed before S, and subtracts an
--    entry iff the old version had been folded (the same frontier test).  An UPDATE stamps the new
--    version's created_at with now(), so the new version is found like an insert.  006's statement-level
--    triggers are dropped: their transition tables carry no xmin, and without it a delete of a row
--    committed just before a run cannot be told from one committed just after.
--  * Rows moved by analytics.ensure_event_partitions (DELETE from events_default, INSERT into the new
--    partition, same created_at, new xmin) are a delete plus a re-insert: the delete's entry is not
--    subtracted when the re-inserted row is still there and older than the candidate range (it will
--    never be re-read, its content is already counted); otherwise it is subtracted and the new copy is
--    added by the scan.  Net zero either way.
--  * The scan, the snapshot record and the consumption of retractions are ONE statement (one snapshot);
--    the rest of the run works from temp tables.  A run is one transaction: killed halfway, it leaves
--    nothing (the frontier did not move either).  Runners are serialised by the 006 advisory lock.
--  * Distinct counts: analytics.event_aggregation_members holds, per aggregation row, each session and
--    user id with the number of its events in the bucket.  A merge adds/subtracts those numbers; the
--    distinct count changes by the members that go 0 -> n or n -> 0.  Exact, O(new rows) index lookups;
--    storage is one row per distinct (bucket, member) -- measured in Benchmarks/RESULTS.md.
--  * Retention: retention deletes leave no retraction (rollups outlive raw events, as in 006), and
--    events whose UTC day starts before the last retention cutoff are frozen: a late event there is not
--    folded in (006 froze whole scopes the same way).  Member rows follow their aggregation row
--    (a delete trigger on event_aggregations), so cleanup_old_data and drop_old_rollups remove them too.
--  * Backfill / rebuild: with no frontier (a new database, this upgrade, analytics.reset_rollups()) a
--    run first clears the non-frozen rollups, then reads every raw event once (a sequential scan, one
--    GROUP BY) -- one pass, whatever a hand-made backfill had left in the tables.

-- ---------------------------------------------------------------------------
-- 006's statement-level dirty marking is replaced by the row-level retraction log below.
-- (analytics.events_mark_rollup_dirty() and eventd.rollup_dirty stay, unused.)
-- ---------------------------------------------------------------------------
DROP TRIGGER events_rollup_dirty_delete ON analytics.events;
DROP TRIGGER events_rollup_dirty_update ON analytics.events;
DELETE FROM eventd.rollup_dirty;

-- ---------------------------------------------------------------------------
-- Bookkeeping
-- ---------------------------------------------------------------------------
ALTER TABLE eventd.rollup_state ADD COLUMN frontier_xmin bigint;
COMMENT ON COLUMN eventd.rollup_state.frontier_xmin IS
    'xmin of the last run''s scan snapshot (64-bit): rows written by an xid below it were folded in unless eventd.rollup_folded_xids says otherwise. NULL: nothing folded yet, the next run reads every raw event (rebuild).';

CREATE TABLE eventd.rollup_folded_xids (
    xid       bigint PRIMARY KEY,
    below_cid bigint
);
COMMENT ON TABLE eventd.rollup_folded_xids IS
    'Xids at or above rollup_state.frontier_xmin whose rows the last rollup run folded in (all of them, or those with cmin < below_cid for the runner''s own open transaction).';
ALTER TABLE eventd.rollup_folded_xids ENABLE ROW LEVEL SECURITY;
CREATE POLICY rollup_folded_xids_admin ON eventd.rollup_folded_xids FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
GRANT SELECT, INSERT, UPDATE, DELETE ON eventd.rollup_folded_xids TO service_role;  -- least privilege (010): no TRIGGER/TRUNCATE/REFERENCES
GRANT SELECT ON eventd.rollup_folded_xids TO eventd_admin;

CREATE TABLE eventd.rollup_retractions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    writer             bigint NOT NULL,  -- the deleting/updating transaction (64-bit xid)
    row_xmin           bigint NOT NULL,  -- the old version's writer (64-bit xid)
    row_cmin           bigint NOT NULL,
    event_id           uuid NOT NULL,
    original_timestamp timestamptz NOT NULL,
    occurred_at        timestamptz NOT NULL,
    type               analytics.event_type NOT NULL,
    name               text NOT NULL,
    transport          analytics.transport NOT NULL,
    country            text,
    device_type        text,
    session_id         text,
    user_id            text,
    value              numeric,
    revenue            numeric,
    -- A cross-partition UPDATE fires both BEFORE UPDATE and BEFORE DELETE for one old version.
    CONSTRAINT rollup_retractions_version_key UNIQUE (writer, row_xmin, row_cmin, event_id, original_timestamp)
);
COMMENT ON TABLE eventd.rollup_retractions IS
    'Old versions of analytics.events rows removed by DELETE or UPDATE (not retention), with what the rollup needs to subtract them; consumed by the next analytics.run_rollups().';
ALTER TABLE eventd.rollup_retractions ENABLE ROW LEVEL SECURITY;
CREATE POLICY rollup_retractions_admin ON eventd.rollup_retractions FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
GRANT SELECT, INSERT, UPDATE, DELETE ON eventd.rollup_retractions TO service_role;  -- least privilege (010): no TRIGGER/TRUNCATE/REFERENCES
GRANT SELECT ON eventd.rollup_retractions TO eventd_admin;

CREATE TABLE analytics.event_aggregation_members (
    aggregation_id bigint NOT NULL,  -- analytics.event_aggregations.id; removed with it by trigger (below)
    kind           "char" NOT NULL CHECK (kind IN ('s', 'u')),
    member         text NOT NULL,
    events         bigint NOT NULL CHECK (events > 0),
    PRIMARY KEY (aggregation_id, kind, member)
);
COMMENT ON TABLE analytics.event_aggregation_members IS
    'Distinct sessions (kind s) and users (kind u) of each event_aggregations row with their event counts; distinct_sessions/distinct_users are the number of rows here, kept by analytics.run_rollups().';
ALTER TABLE analytics.event_aggregation_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.event_aggregation_members FORCE ROW LEVEL SECURITY;
CREATE POLICY event_aggregation_members_admin ON analytics.event_aggregation_members FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
GRANT SELECT ON analytics.event_aggregation_members TO eventd_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON analytics.event_aggregation_members TO service_role;  -- least privilege (010): no TRIGGER/TRUNCATE/REFERENCES

-- Member rows go with their aggregation row, whoever deletes it (cleanup_old_data's minute buckets,
-- drop_old_rollups, a run whose bucket lost its last event, TRUNCATE).  A trigger rather than a foreign
-- key: a foreign key would make TRUNCATE analytics.event_aggregations fail without CASCADE.
CREATE FUNCTION analytics.event_aggregations_drop_members() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- whoever may delete rollups must be able to delete their member rows
SET search_path = pg_catalog, analytics, pg_temp
AS $fn$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE analytics.event_aggregation_members;
    ELSE
        DELETE FROM analytics.event_aggregation_members m USING old_rows o WHERE m.aggregation_id = o.id;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION analytics.event_aggregations_drop_members() IS
    'AFTER DELETE/TRUNCATE statement trigger on analytics.event_aggregations: removes the member rows of the deleted aggregation rows.';
CREATE TRIGGER event_aggregations_members_delete AFTER DELETE ON analytics.event_aggregations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics.event_aggregations_drop_members();
CREATE TRIGGER event_aggregations_members_truncate AFTER TRUNCATE ON analytics.event_aggregations
    FOR EACH STATEMENT EXECUTE FUNCTION analytics.event_aggregations_drop_members();

-- ---------------------------------------------------------------------------
-- Retractions: BEFORE DELETE/UPDATE row trigger.  Named to fire after any other BEFORE trigger on
-- analytics.events, so a trigger that skips the row cannot leave a retraction behind.
-- ---------------------------------------------------------------------------
CREATE FUNCTION analytics.events_log_rollup_retraction() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- whoever may delete or update events must be able to leave the entry
SET search_path = pg_catalog, analytics, pg_temp
AS $fn$
DECLARE
    v_me   bigint;
    v_base bigint;
    v_xmin xid;
    v_cmin cid;
BEGIN
    IF eventd.in_maintenance('retention') THEN  -- trusted only inside the retention function (010)
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;  -- rollups outlive raw events on purpose
    END IF;
    -- The old version is the row's newest version (the executor holds its tuple lock), so a lookup by
    -- primary key finds it; plpgsql has no OLD.xmin.
    SELECT e.xmin, e.cmin INTO v_xmin, v_cmin FROM analytics.events e
    WHERE e.event_id = OLD.event_id AND e.original_timestamp = OLD.original_timestamp;
    SELECT x::text::bigint, x::text::bigint + age(xid(x)) INTO v_me, v_base FROM pg_current_xact_id() AS x;
    INSERT INTO eventd.rollup_retractions
        (writer, row_xmin, row_cmin, event_id, original_timestamp, occurred_at, type, name, transport,
         country, device_type, session_id, user_id, value, revenue)
    VALUES (v_me, coalesce(v_base - age(v_xmin), 0), coalesce(v_cmin::text::bigint, 0),
            OLD.event_id, OLD.original_timestamp, OLD.occurred_at, OLD.type, OLD.name, OLD.transport,
            OLD.country, OLD.device_type, OLD.session_id, OLD.user_id,
            CASE WHEN jsonb_typeof(OLD.properties -> 'value') = 'number' THEN (OLD.properties ->> 'value')::numeric END,
            CASE WHEN jsonb_typeof(OLD.properties -> 'revenue') = 'number' THEN (OLD.properties ->> 'revenue')::numeric END)
    ON CONFLICT ON CONSTRAINT rollup_retractions_version_key DO NOTHING;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    -- The new version is found by the next run like an insert: its created_at is this transaction's start.
    NEW.created_at := now();
    RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION analytics.events_log_rollup_retraction() IS
    'BEFORE DELETE/UPDATE row trigger on analytics.events: logs the old version in eventd.rollup_retractions for the next rollup run to subtract (skipped during retention); an UPDATE restamps created_at so the new version is rolled up.';

CREATE TRIGGER zz_events_rollup_retract BEFORE DELETE OR UPDATE ON analytics.events
    FOR EACH ROW EXECUTE FUNCTION analytics.events_log_rollup_retraction();

-- ---------------------------------------------------------------------------
-- The run
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION analytics.run_rollups(
    p_late_window interval DEFAULT '15 minutes',
    p_buckets analytics.bucket_width[] DEFAULT '{minute,hour,day}')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, analytics, pg_temp
SET work_mem = '64MB'
AS $fn$
-- One run = one transaction (the caller's).  Steps (see the head of 011_incremental_rollups.sql):
--  1. try the advisory lock; another runner holds it -> {"skipped": true}.
--  2. safe bound W = least(now(), oldest open transaction's xact_start) -- read before the scan.
--  3. the scan (one statement, one snapshot S): new row versions with created_at >= watermark - late
--     window that the frontier says are not folded yet (+1), and the retractions S sees (-1 if folded);
--     aggregated at once per bucket, per (bucket, member) and per writer xid.
--  4. the new frontier: xmin(S) and the xids at or above it that S saw.
--  5. merge the deltas into event_aggregations, its member sets and events.count.
--  6. refresh the business KPIs; advance the watermark to greatest(watermark, W).
DECLARE
    v_started  timestamptz := clock_timestamp();
    v_key      constant text := 'analytics.event_aggregations';
    v_me       bigint;
    v_base     bigint;
    v_safe     timestamptz;
    v_hidden   bigint;
    v_mark     timestamptz;
    v_prev     bigint;
    v_from     timestamptz;
    v_horizon  timestamptz;
    v_xmin8    bigint;
    v_cid      bigint;
    v_dirty    bigint;
    v_added    bigint;
    v_retract  bigint;
    v_frozen   bigint;
    v_groups   bigint;
    v_upserted bigint := 0;
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
    p_buckets := ARRAY(SELECT DISTINCT b FROM unnest(p_buckets) AS b);
    -- Our own xid, assigned now: age() below counts from it, and rows of our own open transaction are
    -- told apart by it in step 4.
    SELECT x::text::bigint, x::text::bigint + age(xid(x)) INTO v_me, v_base FROM pg_current_xact_id() AS x;

    -- (2) Before the scan.  Unchanged from 006.
    SELECT least(now(), min(a.xact_start)),
           count(*) FILTER (WHERE a.xact_start IS NULL AND a.backend_type = 'client backend'
                                  AND a.query = '<insufficient privilege>')
      INTO v_safe, v_hidden
      FROM pg_stat_activity a
     WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
       AND a.backend_type NOT IN ('autovacuum worker', 'autovacuum launcher', 'walsender');
    IF v_hidden > 0 THEN
        RAISE WARNING 'run_rollups: % session(s) hidden in pg_stat_activity; grant pg_read_all_stats to the rollup role for a safe watermark', v_hidden;
        v_safe := least(v_safe, now() - p_late_window);
    END IF;

    INSERT INTO eventd.rollup_state (name, watermark) VALUES (v_key, '-infinity') ON CONFLICT (name) DO NOTHING;
    SELECT watermark, frontier_xmin INTO v_mark, v_prev FROM eventd.rollup_state WHERE name = v_key FOR UPDATE;
    -- No frontier yet (new database, after reset_rollups or the 011 upgrade): start from empty rollups
    -- (whatever a hand-made backfill left there has no member sets and is not in the frontier) and read
    -- every raw event once.
    IF v_prev IS NULL THEN
        PERFORM analytics.reset_rollups();  -- re-takes the advisory lock we hold
        -- One GROUP BY over every raw event: sort in memory where it fits (ends with the function).
        PERFORM set_config('work_mem', '256MB', true);
    END IF;
    v_from := CASE WHEN v_prev IS NULL THEN '-infinity' ELSE v_mark - p_late_window END;
    SELECT coalesce(max((l.new_data ->> 'cutoff')::timestamptz), '-infinity') INTO v_horizon
    FROM public.audit_log l WHERE l.operation = 'RETENTION' AND l.table_name = 'cleanup_old_data';

    DROP TABLE IF EXISTS pg_temp.rollup_snap, pg_temp.rollup_delta, pg_temp.rollup_xids, pg_temp.rollup_final,
                         pg_temp.rollup_member_changes, pg_temp.rollup_count_deltas;
    CREATE TEMP TABLE rollup_snap (xmin8 bigint, xmax8 bigint, consumed bigint) ON COMMIT DROP;
    CREATE TEMP TABLE rollup_delta (
        g smallint, bucket_width analytics.bucket_width, bucket_start timestamptz, type analytics.event_type,
        name text, transport analytics.transport, country text, device_type text, session_id text, user_id text,
        xid8 bigint, n bigint, v numeric, r numeric, frozen bigint, k text) ON COMMIT DROP;

    -- (3) The scan.  GROUPING(session_id, user_id, xid8): 7 = bucket totals, 3 = per session,
    -- 5 = per user, 6 = per writer xid (frontier).  Frozen rows are read (and so folded) but not counted.
    WITH snap AS MATERIALIZED (
        SELECT pg_snapshot_xmin(s)::text::bigint AS xmin8, pg_snapshot_xmax(s)::text::bigint AS xmax8
        FROM pg_current_snapshot() AS s
    ), consumed AS (
        DELETE FROM eventd.rollup_retractions RETURNING *
    ), kept AS (
        -- cmin of this row = this statement's command id (read back below).  Data-modifying CTEs
        -- run to completion whether or not they are read.
        INSERT INTO pg_temp.rollup_snap (xmin8, xmax8, consumed)
        SELECT snap.xmin8, snap.xmax8, (SELECT count(*) FROM consumed) FROM snap
        RETURNING 1
    ), fresh AS (
        SELECT 1 AS sign, x.xid8, e.occurred_at, e.type, e.name, e.transport, e.country, e.device_type,
               e.session_id, e.user_id,
               CASE WHEN jsonb_typeof(e.properties -> 'value') = 'number' THEN (e.properties ->> 'value')::numeric END AS value,
               CASE WHEN jsonb_typeof(e.properties -> 'revenue') = 'number' THEN (e.properties ->> 'revenue')::numeric END AS revenue
        FROM analytics.events e
        CROSS JOIN snap
        CROSS JOIN LATERAL (SELECT v_base - age(e.xmin) AS xid8) x
        LEFT JOIN eventd.rollup_folded_xids f ON f.xid = x.xid8
        WHERE e.created_at >= v_from
          AND NOT (v_prev IS NOT NULL  -- no frontier: nothing is folded
                   AND CASE WHEN f.xid IS NOT NULL THEN f.below_cid IS NULL OR e.cmin::text::bigint < f.below_cid
                            ELSE x.xid8 < v_prev END)
    ), gone AS (
        SELECT -1 AS sign, NULL::bigint AS xid8, c.occurred_at, c.type, c.name, c.transport, c.country, c.device_type,
               c.session_id, c.user_id, c.value, c.revenue
        FROM consumed c
        LEFT JOIN eventd.rollup_folded_xids f ON f.xid = c.row_xmin
        WHERE v_prev IS NOT NULL
          AND CASE WHEN f.xid IS NOT NULL THEN f.below_cid IS NULL OR c.row_cmin < f.below_cid
                   ELSE c.row_xmin < v_prev END
          -- moved by ensure_event_partitions and never to be re-read: already counted, keep it.
          AND NOT EXISTS (SELECT 1 FROM analytics.events e
                          WHERE e.event_id = c.event_id AND e.original_timestamp = c.original_timestamp
                            AND e.created_at < v_from)
    ), u AS (
        SELECT t.*, date_trunc('day', t.occurred_at, 'UTC') < v_horizon AS is_frozen
        FROM (SELECT * FROM fresh UNION ALL SELECT * FROM gone) t
    )
    -- Kept: the xid rows, and bucket/member rows with a non-frozen, non-zero change (a bucket row is kept
    -- even at zero: an update may change only its members).
    INSERT INTO rollup_delta
    SELECT q.*, ROW(q.bucket_width, q.bucket_start, q.type, q.name, q.transport, q.country, q.device_type)::text
    FROM (
        SELECT GROUPING(u.session_id, u.user_id, u.xid8) AS g,
               w.w AS bucket_width, date_trunc(w.w::text, u.occurred_at, 'UTC') AS bucket_start,
               u.type, u.name, u.transport, u.country, u.device_type, u.session_id, u.user_id, u.xid8,
               sum(u.sign) FILTER (WHERE NOT u.is_frozen) AS n,
               coalesce(sum(u.sign * u.value) FILTER (WHERE NOT u.is_frozen), 0) AS v,
               coalesce(sum(u.sign * u.revenue) FILTER (WHERE NOT u.is_frozen), 0) AS r,
               count(*) FILTER (WHERE u.is_frozen) AS frozen
        FROM u CROSS JOIN unnest(p_buckets) AS w(w)
        GROUP BY GROUPING SETS (
            (w.w, date_trunc(w.w::text, u.occurred_at, 'UTC'), u.type, u.name, u.transport, u.country, u.device_type),
            (w.w, date_trunc(w.w::text, u.occurred_at, 'UTC'), u.type, u.name, u.transport, u.country, u.device_type, u.session_id),
            (w.w, date_trunc(w.w::text, u.occurred_at, 'UTC'), u.type, u.name, u.transport, u.country, u.device_type, u.user_id),
            (u.xid8))
    ) q
    WHERE q.g = 6 OR (q.n IS NOT NULL AND (q.g = 7 OR (q.n <> 0 AND coalesce(q.session_id, q.user_id) IS NOT NULL)));

    SELECT s.xmin8, s.cmin::text::bigint, s.consumed INTO v_xmin8, v_cid, v_dirty FROM pg_temp.rollup_snap s;
    SELECT coalesce(sum(d.n) FILTER (WHERE d.xid8 IS NOT NULL), 0) / cardinality(p_buckets),
           coalesce(-sum(d.n) FILTER (WHERE d.xid8 IS NULL), 0) / cardinality(p_buckets),
           coalesce(sum(d.frozen), 0) / cardinality(p_buckets)
      INTO v_added, v_retract, v_frozen
      FROM rollup_delta d WHERE d.g = 6;
    v_added := v_added + v_frozen;

    -- (4) The new frontier.  Our own open transaction's xids (>= v_me and in progress: only ours can be
    -- both visible and in progress) keep a command-id limit; every other xid S saw is folded whole.
    CREATE TEMP TABLE rollup_xids ON COMMIT DROP AS
    SELECT x.xid, CASE WHEN x.xid >= v_me THEN pg_xact_status(x.xid::text::xid8) = 'in progress' ELSE false END AS own
    FROM (SELECT d.xid8 AS xid FROM rollup_delta d WHERE d.g = 6 AND d.xid8 IS NOT NULL
          UNION SELECT f.xid FROM eventd.rollup_folded_xids f) x;
    DELETE FROM eventd.rollup_folded_xids;
    INSERT INTO eventd.rollup_folded_xids (xid, below_cid)
    SELECT x.xid, CASE WHEN x.own THEN v_cid END FROM rollup_xids x WHERE x.own OR x.xid >= v_xmin8;

    -- (5) Merge.  k = ROW(...)::text is a NULL-aware, never-NULL bucket key (006).
    -- An incremental run touches few of the (large) event_aggregations and member rows, so each is
    -- looked up by index: LATERAL (... OFFSET 0) keeps them parameterised index probes.  A hash join,
    -- which the planner may pick on its estimates, would read the whole member table each run: a cost
    -- that follows the day again.
    DELETE FROM rollup_delta d WHERE d.g = 6;
    ANALYZE rollup_delta;

    CREATE TEMP TABLE rollup_final ON COMMIT DROP AS
    SELECT d.k, d.bucket_width, d.bucket_start, d.type, d.name, d.transport, d.country, d.device_type,
           a.id, d.n, d.v, d.r,
           coalesce(a.event_count, 0) AS old_count, coalesce(a.distinct_sessions, 0) AS old_sessions,
           coalesce(a.distinct_users, 0) AS old_users, coalesce(a.value_sum, 0) AS old_value, coalesce(a.revenue_sum, 0) AS old_revenue,
           coalesce(a.event_count, 0) + d.n AS new_count,
           coalesce(a.distinct_sessions, 0) AS new_sessions, coalesce(a.distinct_users, 0) AS new_users
    FROM rollup_delta d
    LEFT JOIN LATERAL (
        SELECT a.* FROM analytics.event_aggregations a
        WHERE a.bucket_width = d.bucket_width AND a.bucket_start = d.bucket_start AND a.type = d.type
          AND a.name = d.name AND a.transport = d.transport
          AND a.country IS NOT DISTINCT FROM d.country AND a.device_type IS NOT DISTINCT FROM d.device_type
        OFFSET 0) a ON true
    WHERE d.g = 7;
    GET DIAGNOSTICS v_groups = ROW_COUNT;

    CREATE TEMP TABLE rollup_member_changes ON COMMIT DROP AS
    SELECT f.k, f.id, c.kind, c.member, coalesce(m.events, 0) AS old_events, coalesce(m.events, 0) + c.n AS new_events
    FROM (SELECT d.k, CASE d.g WHEN 3 THEN 's' ELSE 'u' END::"char" AS kind,
                 CASE d.g WHEN 3 THEN d.session_id ELSE d.user_id END AS member, d.n
          FROM rollup_delta d WHERE d.g IN (3, 5)) c
    JOIN rollup_final f ON f.k = c.k
    LEFT JOIN LATERAL (
        SELECT m.events FROM analytics.event_aggregation_members m
        WHERE m.aggregation_id = f.id AND m.kind = c.kind AND m.member = c.member
        OFFSET 0) m ON true;
    ANALYZE rollup_final;
    ANALYZE rollup_member_changes;

    UPDATE rollup_final f SET new_sessions = f.old_sessions + c.ds, new_users = f.old_users + c.du
    FROM (SELECT mc.k,
                 count(*) FILTER (WHERE mc.kind = 's' AND mc.old_events = 0 AND mc.new_events > 0)
               - count(*) FILTER (WHERE mc.kind = 's' AND mc.old_events > 0 AND mc.new_events = 0) AS ds,
                 count(*) FILTER (WHERE mc.kind = 'u' AND mc.old_events = 0 AND mc.new_events > 0)
               - count(*) FILTER (WHERE mc.kind = 'u' AND mc.old_events > 0 AND mc.new_events = 0) AS du
          FROM rollup_member_changes mc GROUP BY mc.k) c
    WHERE c.k = f.k;

    -- Buckets whose last event went away (their member rows go with them, by trigger).
    DELETE FROM analytics.event_aggregations a USING rollup_final f WHERE a.id = f.id AND f.new_count = 0;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    UPDATE analytics.event_aggregations a
    SET event_count = f.new_count, distinct_sessions = f.new_sessions, distinct_users = f.new_users,
        value_sum = f.old_value + f.v, revenue_sum = f.old_revenue + f.r, updated_at = now()
    FROM rollup_final f
    WHERE a.id = f.id AND f.new_count > 0
      AND (f.n, f.v, f.r, f.new_sessions, f.new_users) IS DISTINCT FROM (0::bigint, 0::numeric, 0::numeric, f.old_sessions, f.old_users);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    v_upserted := v_upserted + v_n;
    WITH ins AS (
        INSERT INTO analytics.event_aggregations
            (bucket_width, bucket_start, type, name, transport, country, device_type,
             event_count, distinct_sessions, distinct_users, value_sum, revenue_sum, updated_at)
        SELECT f.bucket_width, f.bucket_start, f.type, f.name, f.transport, f.country, f.device_type,
               f.new_count, f.new_sessions, f.new_users, f.v, f.r, now()
        FROM rollup_final f WHERE f.id IS NULL AND f.new_count > 0
        RETURNING id, ROW(bucket_width, bucket_start, type, name, transport, country, device_type)::text AS k
    )
    UPDATE rollup_final f SET id = ins.id FROM ins WHERE f.k = ins.k;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    v_upserted := v_upserted + v_n;

    DELETE FROM analytics.event_aggregation_members m
    USING rollup_member_changes c
    WHERE c.new_events = 0 AND m.aggregation_id = c.id AND m.kind = c.kind AND m.member = c.member;
    INSERT INTO analytics.event_aggregation_members AS m (aggregation_id, kind, member, events)
    SELECT f.id, c.kind, c.member, c.new_events
    FROM rollup_member_changes c JOIN rollup_final f ON f.k = c.k
    WHERE c.new_events > 0 AND f.new_count > 0
    ON CONFLICT (aggregation_id, kind, member) DO UPDATE SET events = excluded.events;

    -- events.count (all types) per bucket: the count deltas add.
    CREATE TEMP TABLE rollup_count_deltas ON COMMIT DROP AS
    SELECT f.bucket_width, f.bucket_start, sum(f.n)::numeric AS delta
    FROM rollup_final f GROUP BY 1, 2 HAVING sum(f.n) <> 0;
    INSERT INTO analytics.metrics AS m (metric_name, bucket_width, bucket_start, dimensions, value, updated_at)
    SELECT 'events.count', c.bucket_width, c.bucket_start, '{}', c.delta, now() FROM rollup_count_deltas c
    ON CONFLICT ON CONSTRAINT metrics_bucket_key DO UPDATE SET value = m.value + excluded.value, updated_at = excluded.updated_at;
    GET DIAGNOSTICS v_counts = ROW_COUNT;
    DELETE FROM analytics.metrics m USING rollup_count_deltas c
    WHERE m.metric_name = 'events.count' AND m.dimensions = '{}' AND m.bucket_width = c.bucket_width
      AND m.bucket_start = c.bucket_start AND m.value = 0;

    -- (6)
    v_kpis := analytics.refresh_business_metrics();
    v_result := jsonb_build_object(
        'skipped', false,
        'scopes', v_groups, 'added', v_added, 'retracted', v_retract, 'dirty', v_dirty, 'frozen', v_frozen,
        'upserted', v_upserted, 'deleted', v_deleted, 'event_counts', v_counts,
        'kpis_upserted', v_kpis -> 'upserted', 'kpis_deleted', v_kpis -> 'deleted',
        'watermark', greatest(v_mark, v_safe),
        'ms', round(extract(epoch FROM clock_timestamp() - v_started) * 1000, 1));
    UPDATE eventd.rollup_state
    SET watermark = greatest(watermark, v_safe), frontier_xmin = v_xmin8, updated_at = now(), last_result = v_result
    WHERE name = v_key;
    DROP TABLE pg_temp.rollup_snap, pg_temp.rollup_delta, pg_temp.rollup_xids, pg_temp.rollup_final,
               pg_temp.rollup_member_changes, pg_temp.rollup_count_deltas;
    RETURN v_result;
END
$fn$;
COMMENT ON FUNCTION analytics.run_rollups(interval, analytics.bucket_width[]) IS
    'Exact incremental rollup of analytics.events into event_aggregations (+ member sets) and metrics: folds in only row versions not folded before and subtracts deleted/updated ones (see 011_incremental_rollups.sql); one runner at a time (advisory lock, others skip). Returns what it did as jsonb.';

-- ---------------------------------------------------------------------------
-- Rebuild / backfill
-- ---------------------------------------------------------------------------
CREATE FUNCTION analytics.reset_rollups() RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, analytics, pg_temp
AS $fn$
-- Clears every rollup the raw events can rebuild (buckets whose UTC day starts at or after the last
-- retention cutoff; older ones are frozen and kept) and the frontier, so the next run_rollups() reads
-- all raw events once.  Waits for a running rollup (the same advisory lock).
DECLARE
    v_horizon timestamptz;
    v_aggs    bigint;
    v_counts  bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('analytics.run_rollups'));
    SELECT coalesce(max((l.new_data ->> 'cutoff')::timestamptz), '-infinity') INTO v_horizon
    FROM public.audit_log l WHERE l.operation = 'RETENTION' AND l.table_name = 'cleanup_old_data';
    DELETE FROM analytics.event_aggregations a WHERE date_trunc('day', a.bucket_start, 'UTC') >= v_horizon;
    GET DIAGNOSTICS v_aggs = ROW_COUNT;
    DELETE FROM analytics.metrics m
    WHERE m.metric_name = 'events.count' AND m.dimensions = '{}' AND date_trunc('day', m.bucket_start, 'UTC') >= v_horizon;
    GET DIAGNOSTICS v_counts = ROW_COUNT;
    DELETE FROM eventd.rollup_folded_xids;
    DELETE FROM eventd.rollup_retractions;
    UPDATE eventd.rollup_state SET watermark = '-infinity', frontier_xmin = NULL, updated_at = now()
    WHERE name = 'analytics.event_aggregations';
    RETURN jsonb_build_object('event_aggregations', v_aggs, 'event_counts', v_counts, 'horizon', v_horizon);
END
$fn$;
COMMENT ON FUNCTION analytics.reset_rollups() IS
    'Clears the rebuildable rollups (buckets from the last retention cutoff''s day on) and the rollup frontier; the next analytics.run_rollups() rebuilds them from raw events in one pass.';

REVOKE EXECUTE ON FUNCTION
    analytics.events_log_rollup_retraction(), analytics.event_aggregations_drop_members(), analytics.reset_rollups()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analytics.reset_rollups() TO service_role, eventd_admin;

-- The rollups 006 built carry no member sets: rebuild them with the next run.
SELECT analytics.reset_rollups();
