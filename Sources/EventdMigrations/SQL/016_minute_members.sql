-- 016_minute_members.sql
-- Minute buckets' distinct counts at the cost of the new rows, not of the minute (issue #15).
--
-- Through 015 minute buckets kept no member set (012): every run recounted the distinct sessions and users
-- of each minute bucket it touched from raw events, one (type, name, occurred_at) index range per touched
-- (minute, type, name), with a random heap read per event of that minute.  So a run cost the events
-- already in the touched minutes, not only the new ones: after +10k events into a day's densest 10 minutes
-- that is ~1.4k events re-read at 200k events a day and ~139k at 20M, and a run took 0.6-0.9 s at 20M
-- against 0.3-0.4 s at 200k (Benchmarks/RESULTS.md, "Rollup backfill and the 20M-event day").  A late
-- event cost its whole minute of its name, not itself.
--
-- Since 016 minute buckets keep member sets again, exactly as hour and day buckets do (011): one row per
-- distinct (minute bucket, session) and (minute bucket, user) in analytics.event_aggregation_members with
-- that member's event count.  A run merges its new rows' (and retractions') per-member deltas into them;
-- a distinct count moves by the members that go from 0 to more events, or back to 0.  No raw event is
-- re-read: a run costs one primary-key probe per (touched bucket, member of the new rows) per width, the
-- same work the hour and day sets already did.  Exactness is 011's (the member sets hold exactly the
-- folded rows: the same frontier, the same retraction log), so concurrent and killed runs, deletes,
-- updates that move an event between minutes, and late events behave as for hour buckets.
--
-- Chosen by measurement against the alternative with no storage (probing the raw events' existing
-- (session_id, occurred_at) / (user_id, occurred_at) indexes once per new (minute bucket, member) to ask
-- whether an earlier, folded event had that member): analytics.events is partitioned by
-- original_timestamp, not occurred_at, so each such probe descends every partition's index (40 on a
-- fresh database, one a day of retention in production), while a member-set probe is one descent of one
-- index.  Figures: Benchmarks/RESULTS.md, "Minute member sets (issue 15, 016)".
--
-- The cost is storage and backfill time: ~1.3 more member rows per event on the worst-case data (each
-- session's events spread over the day, so nearly every event is its session's only one in its minute
-- bucket), ~100 bytes each with the primary-key entry; the backfill (015's bulk path, still one pass)
-- writes them in the same loop as the hour and day sets.  Dropping `minute` from rollup.buckets removes
-- them (a rebuild).
--
-- The upgrade: existing minute buckets have no member sets to merge into, so the next run is a backfill
-- (one pass over the raw events, as after the upgrade to 011).  This migration only forgets the frontier;
-- it does not call reset_rollups() itself.  The backfill run clears and rebuilds the rollups inside its
-- own transaction, so dashboards keep showing the rollups 015 wrote (exact, and as fresh as its last
-- run) until the rebuild commits, instead of showing nothing for the rebuild's length (~110 µs an event
-- on the development box).  Frozen buckets (before the last retention cutoff) are kept as they are;
-- they are never merged into again.

-- Member rows of minute buckets go with them again (012 skipped minute ids: they had none).
CREATE OR REPLACE FUNCTION analytics.event_aggregations_drop_members() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- whoever may delete rollups must be able to delete their member rows
SET search_path = pg_catalog, analytics, pg_temp
SET enable_seqscan = off
AS $fn$
DECLARE
    v_ids bigint[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE analytics.event_aggregation_members;
        RETURN NULL;
    END IF;
    -- Each deleted id is one probe of the primary key (aggregation_id, ...): the cost follows the deleted
    -- rows, whatever the statistics say (012).
    SELECT array_agg(o.id) INTO v_ids FROM old_rows o;
    IF v_ids IS NOT NULL THEN
        DELETE FROM analytics.event_aggregation_members m WHERE m.aggregation_id = ANY (v_ids);
    END IF;
    RETURN NULL;
END
$fn$;

COMMENT ON TABLE analytics.event_aggregation_members IS
    'Distinct sessions (kind s) and users (kind u) of each minute, hour and day event_aggregations row with their event counts; distinct_sessions/distinct_users are the number of rows here, kept by analytics.run_rollups() (011; minute rows again since 016).';


-- The bulk path of a run without a frontier (see the head of this file).  Called by run_rollups only, inside
-- its transaction and advisory lock, after reset_rollups(); it fills run_rollups' pg_temp.rollup_snap and the
-- per-xid rows (g = 6) of pg_temp.rollup_delta that step 4 (the frontier) reads, and writes the rollups.
CREATE OR REPLACE FUNCTION analytics.rollup_backfill(
    p_buckets analytics.bucket_width[], p_base bigint, p_horizon timestamptz,
    OUT added bigint, OUT frozen bigint, OUT groups bigint, OUT members bigint, OUT counts bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, analytics, pg_temp
-- The GROUP BYs of a 20M-event history sort ~20M rows each: sort in memory where it fits.
SET work_mem = '512MB'
SET jit = off
AS $fn$
DECLARE
    v_w analytics.bucket_width;
    v_n bigint;
BEGIN
    DROP TABLE IF EXISTS pg_temp.rollup_bulk, pg_temp.rollup_bulk_ids;
    -- Text columns in the "C" collation: every sort below compares bytes (abbreviated keys) instead of
    -- calling strcoll(); grouping is the same (a deterministic collation's equality is byte equality).
    CREATE TEMP TABLE rollup_bulk (
        xid8 bigint, occurred_at timestamptz, type analytics.event_type, name text COLLATE "C",
        transport analytics.transport, country text COLLATE "C", device_type text COLLATE "C",
        session_id text COLLATE "C", user_id text COLLATE "C", value numeric, revenue numeric,
        is_frozen boolean) ON COMMIT DROP;
    CREATE TEMP TABLE rollup_bulk_ids (
        bucket_width analytics.bucket_width, bucket_start timestamptz, type analytics.event_type, name text COLLATE "C",
        transport analytics.transport, country text COLLATE "C", device_type text COLLATE "C", id bigint) ON COMMIT DROP;

    -- 1. The scan: one statement, one snapshot S (as run_rollups' incremental scan, with nothing folded).
    WITH snap AS MATERIALIZED (
        SELECT pg_snapshot_xmin(s)::text::bigint AS xmin8, pg_snapshot_xmax(s)::text::bigint AS xmax8
        FROM pg_current_snapshot() AS s
    ), consumed AS (
        DELETE FROM eventd.rollup_retractions RETURNING 1
    ), kept AS (
        -- cmin of this row = this statement's command id (run_rollups reads it back for its own xids).
        INSERT INTO pg_temp.rollup_snap (xmin8, xmax8, consumed)
        SELECT snap.xmin8, snap.xmax8, (SELECT count(*) FROM consumed) FROM snap
        RETURNING 1
    )
    INSERT INTO pg_temp.rollup_bulk
    SELECT p_base - age(e.xmin), e.occurred_at, e.type, e.name, e.transport, e.country, e.device_type,
           e.session_id, e.user_id,
           CASE WHEN jsonb_typeof(e.properties -> 'value') = 'number' THEN (e.properties ->> 'value')::numeric END,
           CASE WHEN jsonb_typeof(e.properties -> 'revenue') = 'number' THEN (e.properties ->> 'revenue')::numeric END,
           date_trunc('day', e.occurred_at, 'UTC') < p_horizon
    FROM analytics.events e;
    ANALYZE pg_temp.rollup_bulk;

    -- The frontier's input: every writer xid S saw (frozen rows are read, so folded, but not counted).
    INSERT INTO pg_temp.rollup_delta (g, xid8, n, frozen)
    SELECT 6, b.xid8, count(*) FILTER (WHERE NOT b.is_frozen), count(*) FILTER (WHERE b.is_frozen)
    FROM pg_temp.rollup_bulk b GROUP BY b.xid8;
    SELECT coalesce(sum(d.n + d.frozen), 0), coalesce(sum(d.frozen), 0) INTO added, frozen
    FROM pg_temp.rollup_delta d WHERE d.g = 6;

    -- 2. The buckets of every width, from ONE sort: minute, hour and day buckets nest (UTC), so
    -- ROLLUP(day, hour, minute) after the other keys is one sort by (type, name, transport, country,
    -- device_type, occurred_at) read once, three groupings at a time.  Distinct sessions and users are
    -- count(DISTINCT): exact.
    WITH ins AS (
        INSERT INTO analytics.event_aggregations
            (bucket_width, bucket_start, type, name, transport, country, device_type,
             event_count, distinct_sessions, distinct_users, value_sum, revenue_sum, updated_at)
        SELECT CASE WHEN q.minute IS NOT NULL THEN 'minute' WHEN q.hour IS NOT NULL THEN 'hour' ELSE 'day' END::analytics.bucket_width,
               coalesce(q.minute, q.hour, q.day), q.type, q.name, q.transport, q.country, q.device_type,
               q.n, q.sessions, q.users, q.v, q.r, now()
        FROM (SELECT b.type, b.name, b.transport, b.country, b.device_type,
                     date_trunc('day', b.occurred_at, 'UTC') AS day, date_trunc('hour', b.occurred_at, 'UTC') AS hour,
                     date_trunc('minute', b.occurred_at, 'UTC') AS minute,
                     count(*) AS n, count(DISTINCT b.session_id) AS sessions, count(DISTINCT b.user_id) AS users,
                     coalesce(sum(b.value), 0) AS v, coalesce(sum(b.revenue), 0) AS r
              FROM pg_temp.rollup_bulk b
              WHERE NOT b.is_frozen
              GROUP BY b.type, b.name, b.transport, b.country, b.device_type,
                       ROLLUP (date_trunc('day', b.occurred_at, 'UTC'), date_trunc('hour', b.occurred_at, 'UTC'),
                               date_trunc('minute', b.occurred_at, 'UTC'))) q
        WHERE q.day IS NOT NULL  -- the grand total per (type, name, ...) is no bucket
          AND CASE WHEN q.minute IS NOT NULL THEN 'minute' WHEN q.hour IS NOT NULL THEN 'hour' ELSE 'day' END::analytics.bucket_width
              = ANY (p_buckets)
        RETURNING id, bucket_width, bucket_start, type, name, transport, country, device_type
    )
    INSERT INTO pg_temp.rollup_bulk_ids (bucket_width, bucket_start, type, name, transport, country, device_type, id)
    SELECT ins.bucket_width, ins.bucket_start, ins.type, ins.name, ins.transport, ins.country, ins.device_type, ins.id
    FROM ins;
    GET DIAGNOSTICS groups = ROW_COUNT;
    ANALYZE pg_temp.rollup_bulk_ids;

    -- 3. The member sets of every width (minute ones again since 016), a width at a time:
    -- one row per distinct (bucket, session) and (bucket, user) with its event count.  Joined to the new
    -- ids by hash on the non-NULL key columns; country and device_type may be NULL (a value of their own),
    -- so they are compared NULL-aware in the join filter.  Inserted in primary-key order: the new ids are
    -- above every existing one, so inserts walk the index's right edge instead of descending to random
    -- leaves (a 387k-row member insert into a fresh table: 3.0 s sorted, 8.6 s in hash order).
    members := 0;
    FOREACH v_w IN ARRAY p_buckets LOOP
        INSERT INTO analytics.event_aggregation_members (aggregation_id, kind, member, events)
        SELECT i.id, m.kind, m.member, m.n
        FROM (SELECT date_trunc(v_w::text, b.occurred_at, 'UTC') AS bucket_start, b.type, b.name, b.transport,
                     b.country, b.device_type, 's'::"char" AS kind, b.session_id AS member, count(*) AS n
              FROM pg_temp.rollup_bulk b
              WHERE NOT b.is_frozen AND b.session_id IS NOT NULL
              GROUP BY 1, 2, 3, 4, 5, 6, 8
              UNION ALL
              SELECT date_trunc(v_w::text, b.occurred_at, 'UTC'), b.type, b.name, b.transport,
                     b.country, b.device_type, 'u'::"char", b.user_id, count(*)
              FROM pg_temp.rollup_bulk b
              WHERE NOT b.is_frozen AND b.user_id IS NOT NULL
              GROUP BY 1, 2, 3, 4, 5, 6, 8) m
        JOIN pg_temp.rollup_bulk_ids i
          ON i.bucket_width = v_w AND i.bucket_start = m.bucket_start AND i.type = m.type AND i.name = m.name
         AND i.transport = m.transport
         AND i.country IS NOT DISTINCT FROM m.country AND i.device_type IS NOT DISTINCT FROM m.device_type
        ORDER BY i.id, m.kind, m.member;
        GET DIAGNOSTICS v_n = ROW_COUNT;
        members := members + v_n;
    END LOOP;

    -- 4. events.count (all types) per bucket.
    INSERT INTO analytics.metrics AS m (metric_name, bucket_width, bucket_start, dimensions, value, updated_at)
    SELECT 'events.count', a.bucket_width, a.bucket_start, '{}', sum(a.event_count), now()
    FROM pg_temp.rollup_bulk_ids i JOIN analytics.event_aggregations a ON a.id = i.id
    GROUP BY a.bucket_width, a.bucket_start
    ON CONFLICT ON CONSTRAINT metrics_bucket_key DO UPDATE SET value = m.value + excluded.value, updated_at = excluded.updated_at;
    GET DIAGNOSTICS counts = ROW_COUNT;
    DROP TABLE pg_temp.rollup_bulk, pg_temp.rollup_bulk_ids;
END
$fn$;
COMMENT ON FUNCTION analytics.rollup_backfill(analytics.bucket_width[], bigint, timestamptz) IS
    'The bulk path of analytics.run_rollups() without a frontier (after reset_rollups()): one scan of analytics.events into a temporary copy, sort-based GROUP BYs into the emptied rollups and member sets of every width (015_rollup_backfill.sql, 016_minute_members.sql).  Internal: called by run_rollups only.';
REVOKE EXECUTE ON FUNCTION analytics.rollup_backfill(analytics.bucket_width[], bigint, timestamptz) FROM PUBLIC;

CREATE OR REPLACE FUNCTION analytics.run_rollups(
    p_late_window interval DEFAULT '15 minutes',
    p_buckets analytics.bucket_width[] DEFAULT '{minute,hour,day}')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, analytics, pg_temp
SET work_mem = '64MB'
-- Through 015 the scan's plan was estimated at millions (the per-minute recount loop), above
-- jit_inline_above_cost and jit_optimize_above_cost: with the server default jit = on every run compiled
-- ~370 functions with inlining and optimisation.  A 200k-event backfill took 62 s with JIT, 35 s without
-- (014's head).  The per-member probes below are estimated high too, so JIT stays off.
SET jit = off
AS $fn$
-- One run = one transaction (the caller's).  Steps (see the heads of 011_incremental_rollups.sql,
-- 014_rollup_lag.sql and 016_minute_members.sql):
--  1. try the advisory lock; another runner holds it -> {"skipped": true}.
--  2. safe bound W = least(now(), oldest open transaction's xact_start) -- read before the scan; held
--     late_window behind now() while a session is hidden from this role (014).
--  3. the scan (one statement, one snapshot S): new row versions with created_at >= watermark - re-read
--     margin (014: least(late_window, 10 s)) that the frontier says are not folded yet (+1), and the
--     retractions S sees (-1 if folded);
--     aggregated at once per bucket, per (bucket, member) and per writer xid (016: minute buckets too;
--     nothing is recounted from raw events).
--  4. the new frontier: xmin(S) and the xids at or above it that S saw.
--  5. merge the deltas into event_aggregations, its member sets (every width) and events.count.
--  6. refresh the business KPIs; advance the watermark to greatest(watermark, W).
DECLARE
    v_started  timestamptz := clock_timestamp();
    v_key      constant text := 'analytics.event_aggregations';
    v_me       bigint;
    v_base     bigint;
    v_safe     timestamptz;
    v_hidden   bigint;
    v_reread   interval;
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
    v_backfill boolean;
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

    -- (2) Before the scan.  As 006, except how a hidden session is recognised (015): PostgreSQL shows a
    -- session this role may not see with its pid, datname and usename only -- backend_type, xact_start and
    -- state are NULL, query is '<insufficient privilege>'.  Through 014 the filter on backend_type dropped
    -- those rows (NULL NOT IN (...) is not true), so no session was ever counted as hidden and the watermark
    -- went to now() past a hidden open transaction (RollupHiddenSessionTests).  Only sessions with a role
    -- count: PostgreSQL gives a user only to client backends, walsenders and background workers, so a row
    -- with no usesysid is an autovacuum worker or another auxiliary process, which writes no events (counting
    -- one held the watermark back whenever autovacuum was in this database).
    SELECT least(now(), min(a.xact_start)),
           count(*) FILTER (WHERE a.query = '<insufficient privilege>' AND a.usesysid IS NOT NULL)
      INTO v_safe, v_hidden
      FROM pg_stat_activity a
     WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
       AND (a.backend_type IS NULL OR a.backend_type NOT IN ('autovacuum worker', 'autovacuum launcher', 'walsender'));
    IF v_hidden > 0 THEN
        RAISE WARNING 'run_rollups: % session(s) hidden in pg_stat_activity; grant pg_read_all_stats to the rollup role for a safe watermark', v_hidden;
        v_safe := least(v_safe, now() - p_late_window);
    END IF;

    INSERT INTO eventd.rollup_state (name, watermark) VALUES (v_key, '-infinity') ON CONFLICT (name) DO NOTHING;
    SELECT watermark, frontier_xmin INTO v_mark, v_prev FROM eventd.rollup_state WHERE name = v_key FOR UPDATE;
    -- No frontier yet (new database, after reset_rollups or the 011 upgrade): start from empty rollups
    -- (whatever a hand-made backfill left there has no member sets and is not in the frontier) and read
    -- every raw event once.
    v_backfill := v_prev IS NULL;
    IF v_backfill THEN
        PERFORM analytics.reset_rollups();  -- re-takes the advisory lock we hold
    END IF;
    -- 014: the scan re-reads a margin of seconds below the watermark, not the late window.  The watermark
    -- is already below every unfolded row's created_at except (a) a session hidden from this role (the
    -- run that saw it held its watermark late_window behind now(), above) and (b) a transaction that had
    -- taken its start time but not yet published it in pg_stat_activity when the previous run read it
    -- (microseconds of backend code between the two; the margin covers a backend stalled for seconds).
    v_reread := least(p_late_window, interval '10 seconds');
    v_from := CASE WHEN v_backfill THEN '-infinity' ELSE v_mark - v_reread END;
    SELECT coalesce(max((l.new_data ->> 'cutoff')::timestamptz), '-infinity') INTO v_horizon
    FROM public.audit_log l WHERE l.operation = 'RETENTION' AND l.table_name = 'cleanup_old_data';

    DROP TABLE IF EXISTS pg_temp.rollup_snap, pg_temp.rollup_delta, pg_temp.rollup_xids, pg_temp.rollup_final,
                         pg_temp.rollup_member_changes, pg_temp.rollup_count_deltas;
    CREATE TEMP TABLE rollup_snap (xmin8 bigint, xmax8 bigint, consumed bigint) ON COMMIT DROP;
    CREATE TEMP TABLE rollup_delta (
        g smallint, bucket_width analytics.bucket_width, bucket_start timestamptz, type analytics.event_type,
        name text, transport analytics.transport, country text, device_type text, session_id text, user_id text,
        xid8 bigint, n bigint, v numeric, r numeric, frozen bigint, k text) ON COMMIT DROP;

    IF v_backfill THEN
        -- (3)+(5) for a backfill (015): one scan into a temporary table, then sort-based aggregation
        -- straight into the empty rollups (analytics.rollup_backfill).
        SELECT b.added, b.frozen, b.groups, b.counts INTO v_added, v_frozen, v_groups, v_counts
        FROM analytics.rollup_backfill(p_buckets, v_base, v_horizon) b;
        v_retract := 0; v_upserted := v_groups; v_deleted := 0;
        SELECT s.xmin8, s.cmin::text::bigint, s.consumed INTO v_xmin8, v_cid, v_dirty FROM pg_temp.rollup_snap s;
    ELSE
        -- (3) The scan.  GROUPING(session_id, user_id, xid8): 7 = bucket totals, 3 = per session,
        -- 5 = per user (every width keeps a member set, 016), 6 = per writer xid
        -- (frontier).  Frozen rows are read (and so folded) but not counted.
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
        ), u_members AS (
            -- Every width keeps a member set (016): minute buckets merge their members like hour and day.
            SELECT u.*, w.w AS bucket_width, date_trunc(w.w::text, u.occurred_at, 'UTC') AS bucket_start,
                   u.session_id AS m_session, u.user_id AS m_user
            FROM u CROSS JOIN unnest(p_buckets) AS w(w)
        )
        -- Kept: the xid rows, and bucket/member rows with a non-frozen, non-zero change (a bucket row is kept
        -- even at zero: an update may change only its members).
        INSERT INTO rollup_delta
        SELECT q.*, ROW(q.bucket_width, q.bucket_start, q.type, q.name, q.transport, q.country, q.device_type)::text
        FROM (
            SELECT GROUPING(u.m_session, u.m_user, u.xid8) AS g,
                   u.bucket_width, u.bucket_start,
                   u.type, u.name, u.transport, u.country, u.device_type, u.m_session, u.m_user, u.xid8,
                   sum(u.sign) FILTER (WHERE NOT u.is_frozen) AS n,
                   coalesce(sum(u.sign * u.value) FILTER (WHERE NOT u.is_frozen), 0) AS v,
                   coalesce(sum(u.sign * u.revenue) FILTER (WHERE NOT u.is_frozen), 0) AS r,
                   count(*) FILTER (WHERE u.is_frozen) AS frozen
            FROM u_members u
            GROUP BY GROUPING SETS (
                (u.bucket_width, u.bucket_start, u.type, u.name, u.transport, u.country, u.device_type),
                (u.bucket_width, u.bucket_start, u.type, u.name, u.transport, u.country, u.device_type, u.m_session),
                (u.bucket_width, u.bucket_start, u.type, u.name, u.transport, u.country, u.device_type, u.m_user),
                (u.xid8))
        ) q
        WHERE q.g = 6 OR (q.n IS NOT NULL AND (q.g = 7 OR (q.n <> 0 AND coalesce(q.m_session, q.m_user) IS NOT NULL)));

        SELECT s.xmin8, s.cmin::text::bigint, s.consumed INTO v_xmin8, v_cid, v_dirty FROM pg_temp.rollup_snap s;
        SELECT coalesce(sum(d.n) FILTER (WHERE d.xid8 IS NOT NULL), 0) / cardinality(p_buckets),
               coalesce(-sum(d.n) FILTER (WHERE d.xid8 IS NULL), 0) / cardinality(p_buckets),
               coalesce(sum(d.frozen), 0) / cardinality(p_buckets)
          INTO v_added, v_retract, v_frozen
          FROM rollup_delta d WHERE d.g = 6;
        v_added := v_added + v_frozen;
    END IF;

    -- (4) The new frontier.  Our own open transaction's xids (>= v_me and in progress: only ours can be
    -- both visible and in progress) keep a command-id limit; every other xid S saw is folded whole.
    CREATE TEMP TABLE rollup_xids ON COMMIT DROP AS
    SELECT x.xid, CASE WHEN x.xid >= v_me THEN pg_xact_status(x.xid::text::xid8) = 'in progress' ELSE false END AS own
    FROM (SELECT d.xid8 AS xid FROM rollup_delta d WHERE d.g = 6 AND d.xid8 IS NOT NULL
          UNION SELECT f.xid FROM eventd.rollup_folded_xids f) x;
    DELETE FROM eventd.rollup_folded_xids;
    INSERT INTO eventd.rollup_folded_xids (xid, below_cid)
    SELECT x.xid, CASE WHEN x.own THEN v_cid END FROM rollup_xids x WHERE x.own OR x.xid >= v_xmin8;

    IF NOT v_backfill THEN
        -- (5) Merge.  k = ROW(...)::text is a NULL-aware, never-NULL bucket key (006).
        -- An incremental run touches few of the (large) event_aggregations and member rows, so each is
        -- looked up by index: LATERAL (... OFFSET 0) keeps them parameterised index probes.  A hash join,
        -- which the planner may pick on its estimates, would read the whole member table each run: a cost
        -- that follows the day again.
        DELETE FROM rollup_delta d WHERE d.g = 6;
        -- Statistics only for what the joins below compare (and the row count, which any ANALYZE sets):
        -- with minute member rows the delta is about twice 015's, and ANALYZE of all 16 columns (text
        -- ones sorted with the collation) took 130-250 ms of a ~1.4 s run on a busy box (016).
        ANALYZE rollup_delta (g, k);

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
        ANALYZE rollup_final (k, id);
        ANALYZE rollup_member_changes (k);

        -- Every bucket: the members that went 0 -> n or n -> 0.
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

        -- Member rows: the probe above found each one or not, and only a run (under the advisory lock)
        -- writes them, so the ones it did not find are plain inserts, in key order, and the others plain
        -- updates (016: minute sets roughly double the member changes of a run; 015's INSERT ... ON
        -- CONFLICT DO UPDATE checked the index before every insert).
        DELETE FROM analytics.event_aggregation_members m
        USING rollup_member_changes c
        WHERE c.new_events = 0 AND m.aggregation_id = c.id AND m.kind = c.kind AND m.member = c.member;
        UPDATE analytics.event_aggregation_members m SET events = c.new_events
        FROM rollup_member_changes c
        WHERE c.old_events > 0 AND c.new_events > 0 AND m.aggregation_id = c.id AND m.kind = c.kind AND m.member = c.member;
        INSERT INTO analytics.event_aggregation_members (aggregation_id, kind, member, events)
        SELECT f.id, c.kind, c.member, c.new_events
        FROM rollup_member_changes c JOIN rollup_final f ON f.k = c.k
        WHERE c.old_events = 0 AND c.new_events > 0 AND f.new_count > 0
        ORDER BY f.id, c.kind, c.member;

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
    END IF;

    -- (6)
    v_kpis := analytics.refresh_business_metrics();
    v_result := jsonb_build_object(
        'skipped', false,
        'scopes', v_groups, 'added', v_added, 'retracted', v_retract, 'dirty', v_dirty, 'frozen', v_frozen,
        'upserted', v_upserted, 'deleted', v_deleted, 'event_counts', v_counts,
        'kpis_upserted', v_kpis -> 'upserted', 'kpis_deleted', v_kpis -> 'deleted',
        'watermark', greatest(v_mark, v_safe),
        'reread_s', extract(epoch FROM v_reread), 'hidden', v_hidden,
        'ms', round(extract(epoch FROM clock_timestamp() - v_started) * 1000, 1));
    UPDATE eventd.rollup_state
    SET watermark = greatest(watermark, v_safe), frontier_xmin = v_xmin8, updated_at = now(), last_result = v_result
    WHERE name = v_key;
    DROP TABLE IF EXISTS pg_temp.rollup_snap, pg_temp.rollup_delta, pg_temp.rollup_xids, pg_temp.rollup_final,
                         pg_temp.rollup_member_changes, pg_temp.rollup_count_deltas;  -- a backfill makes fewer
    RETURN v_result;
END
$fn$;
COMMENT ON FUNCTION analytics.run_rollups(interval, analytics.bucket_width[]) IS
    'Exact incremental rollup of analytics.events into event_aggregations (+ minute/hour/day member sets, merged by the new rows, 016) and metrics: folds in only row versions not folded before and subtracts deleted/updated ones; re-reads least(late_window, 10 s) below the watermark, holds the watermark late_window behind now() while a session is hidden from it (see 011_incremental_rollups.sql, 014_rollup_lag.sql, 016_minute_members.sql); one runner at a time (advisory lock, others skip). Returns what it did as jsonb.';


-- The upgrade: minute buckets written before 016 have no member sets; the next run rebuilds every rollup
-- (a backfill: no frontier).  The old rollups stay readable until that run commits (see the top).
UPDATE eventd.rollup_state SET frontier_xmin = NULL, updated_at = now()
WHERE name = 'analytics.event_aggregations';
