#!/usr/bin/env bash
# Incremental rollup cost against the size of the day (issue #15).
#
#   Benchmarks/rollups/incremental.sh before|after SIZE...      e.g.  after 200000 2000000
#
# Creates database eventd_rollup_bench_<variant> on $EVENTD_BENCH_DATABASE_URL's server (default: the
# dev server on 127.0.0.1:54329) with migrations 001-009 ("before": main's 006 recompute design) or all
# of them ("after": 011 incremental), no dev seed.  Then, for each SIZE in increasing order, it grows
# today's partition to SIZE events (INSERT ... SELECT generate_series; three event names, ~20 events per
# session, created_at three hours back, i.e. outside the late window like a day's earlier traffic), rolls
# all of it up from scratch (reset_rollups() / 006: an empty watermark; timed, the backfill), and
# prints the time of
#   1. a run after +10k new events (created now, occurred in the last 10 minutes),
#   2. a run with nothing new while those 10k are still inside the 15-minute late window,
# as analytics.run_rollups('15 minutes') reports it ("ms", time inside PostgreSQL), and ("after") the
# storage of the rollups: member rows per bucket width, bytes per event.  Bounded: it stops after the
# last SIZE; the database is left for inspection (drop it by hand).
#
# EVENTD_BENCH_BACKFILL_MAX=N: sizes above N are grown without a new backfill (e.g. 20M on this box,
# where a backfill would take hours): the rows added for that size are older than the late window and
# the frontier, so the rollups keep counting only the earlier sizes' rows and the run after +10k measures
# a day whose table, indexes and minutes hold SIZE events (what a run re-reads), with the member sets
# of the last backfilled size.
set -euo pipefail
variant=${1:?before|after}; shift
base=${EVENTD_BENCH_DATABASE_URL:-postgresql://postgres@127.0.0.1:54329/postgres}
db=eventd_rollup_bench_$variant${EVENTD_BENCH_SUFFIX:-}  # suffix: keep an earlier run's database
url=${base%/*}/$db
root=$(cd "$(dirname "$0")/../.." && pwd)
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

psql "$base" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
for f in "$root"/Sources/EventdMigrations/SQL/0*.sql; do
    n=$(basename "$f"); n=${n%%_*}
    if [[ $variant == before && $n > 009 ]]; then continue; fi
    psql -1 -f "$f" -d "$url" >/dev/null 2>&1 || { echo "migration $f failed" >&2; exit 1; }
done
psql -d "$url" -c "ALTER DATABASE $db SET client_min_messages = warning"

# $1 events, occurred today before the last 10 minutes, created_at given by $2 (SQL expression).
grow() {
    psql -d "$url" -c "
        INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties,
                                      transport, country, device_type, created_at)
        SELECT 'track', (ARRAY['page_view_home', 'signup_click', 'checkout'])[1 + i % 3],
               's' || (s.base + i / 20), CASE WHEN i % 3 = 0 THEN 'u' || ((s.base + i) / 60) END,
               t, t, CASE WHEN i % 4 = 0 THEN '{\"value\": 2.5}' ELSE '{}' END::jsonb,
               (ARRAY['tcp', 'udp', 'http']::analytics.transport[])[1 + i % 3],
               (ARRAY['US', 'DE', 'FR', NULL])[1 + i % 4], (ARRAY['desktop', 'mobile'])[1 + i % 2], $2
        FROM (SELECT count(*) AS base FROM analytics.events) s,
             generate_series(1, $1) AS i,
             LATERAL (SELECT date_trunc('day', now(), 'UTC') + (i % 1 + random())  -- i: once per row
                             * greatest(now() - interval '10 minutes' - date_trunc('day', now(), 'UTC'), interval '1 minute') AS t) o"
    psql -d "$url" -c "VACUUM ANALYZE analytics.events"
}
run() { psql -d "$url" -At -c "SELECT analytics.run_rollups('15 minutes') ->> 'ms'"; }

have=0
for size in "$@"; do
    grow $((size - have)) "now() - interval '3 hours'"
    # The bulk rows carry an old created_at on purpose, so no run would find them: start over.
    if (( size > ${EVENTD_BENCH_BACKFILL_MAX:-size} )); then
        echo "$variant day=$size: no backfill (EVENTD_BENCH_BACKFILL_MAX=$EVENTD_BENCH_BACKFILL_MAX)"
    elif [[ $variant == after ]]; then
        psql -d "$url" -c "SELECT analytics.reset_rollups()" >/dev/null
    else
        psql -d "$url" -c "DELETE FROM eventd.rollup_state" >/dev/null  # 006: watermark -infinity = recompute all
    fi
    if (( size <= ${EVENTD_BENCH_BACKFILL_MAX:-size} )); then
        t0=$(date +%s.%N); run >/dev/null; t1=$(date +%s.%N)
        printf '%s day=%s: backfill run %.1f s\n' "$variant" "$size" "$(echo "$t1 - $t0" | bc)"
    fi
    psql -d "$url" -c "
        INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, transport, country, device_type)
        SELECT 'track', (ARRAY['page_view_home', 'signup_click', 'checkout'])[1 + i % 3], 'n' || (i / 20),
               CASE WHEN i % 3 = 0 THEN 'nu' || (i / 60) END, t, t, 'http', 'US', 'mobile'
        FROM generate_series(1, 10000) i, LATERAL (SELECT now() - (i % 1 + random()) * interval '10 minutes' AS t) o"
    have=$((size + 10000))
    echo "$variant day=$size +10k new events: run $(run) ms"
    echo "$variant day=$((size + 10000)) nothing new (10k inside the late window): run $(run) ms"
    echo "$variant day=$((size + 10000)) nothing new, again: run $(run) ms"
    if [[ $variant == after ]]; then
        psql -d "$url" -At -F ' ' -c "
            SELECT 'storage: event_aggregations', pg_size_pretty(pg_total_relation_size('analytics.event_aggregations')),
                   (SELECT count(*) FROM analytics.event_aggregations) || ' rows;',
                   'event_aggregation_members', pg_size_pretty(pg_total_relation_size('analytics.event_aggregation_members')),
                   (SELECT count(*) FROM analytics.event_aggregation_members) || ' rows;',
                   'analytics.events', pg_size_pretty((SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                                                       WHERE i.inhparent = 'analytics.events'::regclass)::bigint)"
        psql -d "$url" -At -F ' ' -c "
            SELECT 'members per width:', string_agg(w || ' ' || n, ', ' ORDER BY w) FROM (
                SELECT a.bucket_width::text AS w, count(*) AS n FROM analytics.event_aggregation_members m
                JOIN analytics.event_aggregations a ON a.id = m.aggregation_id GROUP BY 1) x"
        psql -d "$url" -At -F ' ' -c "
            SELECT 'per event:', round(m.rows / e.n, 2) || ' member rows,', round(m.bytes / e.n) || ' member bytes,',
                   round((m.bytes + pg_total_relation_size('analytics.event_aggregations')) / e.n) || ' rollup bytes (members + aggregations)'
            FROM (SELECT count(*)::numeric AS n FROM analytics.events) e,
                 (SELECT count(*)::numeric AS rows, pg_total_relation_size('analytics.event_aggregation_members')::numeric AS bytes
                  FROM analytics.event_aggregation_members) m"
    fi
done
