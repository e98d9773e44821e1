#!/usr/bin/env bash
# Incremental rollup cost on days of 200k, 2M and 20M events, measured in one run (issue #15).
#
#   Benchmarks/rollups/day-sizes.sh load SIZE            create database eventd_rollup_day_<SIZE>, migrate, fill
#   Benchmarks/rollups/day-sizes.sh backfill SIZE        reset_rollups() + one run (timed): the backfill
#   Benchmarks/rollups/day-sizes.sh measure ROUNDS SIZE...  per round, per SIZE in turn: +10k events, one run
#
# Server: $EVENTD_BENCH_DATABASE_URL (default: the dev server on 127.0.0.1:54329).  A 20M day needs
# ~15 GB of disk with its rollups; use a private server (Config/postgresql.bench.conf).
#
# The day: SIZE events spread uniformly over the 24 hours before E (E = the load's start minus 10
# minutes, kept in bench.day_end), the shape of incremental.sh (three event names, 20 events per
# session, a user per 60 events, a value on every 4th event, three transports, four countries, two
# device types), inserted in chunks of 1M (INSERT ... SELECT generate_series) with created_at = E.  A
# whole 24 hours rather than "today so far" so that every size has the same shape whatever the hour of
# the load, and the minutes a run touches are as dense as the day (20M: ~14k events a minute).
#
# A +10k round inserts 10,000 events created now, occurring in the 10 minutes before E (the densest
# minutes of the day, already holding SIZE/144 events: what the minute recount re-reads; and the last
# hour's member sets, SIZE/24 events' worth: what the merge probes), then times one
# analytics.run_rollups('15 minutes') by its own "ms" (inside PostgreSQL).  Rounds alternate the sizes,
# so the three figures of a round share the box's load.  Each round checks nothing; the rollups stay
# exact (RollupIncrementalTests), and `verify SIZE` compares the touched hour with a GROUP BY.
set -euo pipefail
cmd=${1:?load|backfill|measure|verify}; shift
base=${EVENTD_BENCH_DATABASE_URL:-postgresql://postgres@127.0.0.1:54329/postgres}
root=$(cd "$(dirname "$0")/../.." && pwd)
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
url() { echo "${base%/*}/eventd_rollup_day_$1"; }

case $cmd in
load)
    size=${1:?SIZE}; db=eventd_rollup_day_$size; u=$(url "$size")
    psql "$base" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    for f in "$root"/Sources/EventdMigrations/SQL/0*.sql; do
        psql -1 -f "$f" -d "$u" >/dev/null 2>&1 || { echo "migration $f failed" >&2; exit 1; }
    done
    psql -d "$u" -c "ALTER DATABASE $db SET client_min_messages = warning" \
         -c "CREATE SCHEMA bench" \
         -c "CREATE TABLE bench.day_end AS SELECT date_trunc('minute', now()) - interval '10 minutes' AS e"
    chunk=1000000; done_=0
    while (( done_ < size )); do
        n=$(( size - done_ < chunk ? size - done_ : chunk ))
        psql -d "$u" -c "
            INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties,
                                          transport, country, device_type, created_at)
            SELECT 'track', (ARRAY['page_view_home', 'signup_click', 'checkout'])[1 + i % 3],
                   's' || (i / 20), CASE WHEN i % 3 = 0 THEN 'u' || (i / 60) END,
                   t, t, CASE WHEN i % 4 = 0 THEN '{\"value\": 2.5}' ELSE '{}' END::jsonb,
                   (ARRAY['tcp', 'udp', 'http']::analytics.transport[])[1 + i % 3],
                   (ARRAY['US', 'DE', 'FR', NULL])[1 + i % 4], (ARRAY['desktop', 'mobile'])[1 + i % 2], d.e
            FROM bench.day_end d, generate_series($done_ + 1, $done_ + $n) AS i,
                 LATERAL (SELECT d.e - (i % 1 + random()) * interval '24 hours' AS t) o"  # i: once per row
        done_=$(( done_ + n )); echo "load $size: $done_ rows ($(date -u +%H:%M:%S))"
    done
    psql -d "$u" -c "VACUUM ANALYZE analytics.events"
    ;;
backfill)
    size=${1:?SIZE}; u=$(url "$size")
    psql -d "$u" -c "SELECT analytics.reset_rollups()" >/dev/null
    t0=$(date +%s.%N)
    ms=$(psql -d "$u" -At -c "SELECT analytics.run_rollups('15 minutes') ->> 'ms'")
    t1=$(date +%s.%N)
    printf 'day=%s backfill: %.1f s (run %s ms)\n' "$size" "$(echo "$t1 - $t0" | bc)" "$ms"
    psql -d "$u" -c "VACUUM ANALYZE analytics.event_aggregations, analytics.event_aggregation_members"
    ;;
measure)
    rounds=${1:?ROUNDS}; shift
    for ((r = 1; r <= rounds; r++)); do
        for size in "$@"; do
            u=$(url "$size")
            psql -d "$u" -c "
                INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, transport, country, device_type)
                SELECT 'track', (ARRAY['page_view_home', 'signup_click', 'checkout'])[1 + i % 3], 'n$r.' || (i / 20),
                       CASE WHEN i % 3 = 0 THEN 'nu$r.' || (i / 60) END, t, t, 'http', 'US', 'mobile'
                FROM bench.day_end d, generate_series(1, 10000) i,
                     LATERAL (SELECT d.e - (i % 1 + random()) * interval '10 minutes' AS t) o"
            echo "round $r day=$size +10k: run $(psql -d "$u" -At -c "SELECT analytics.run_rollups('15 minutes') ->> 'ms'") ms"
        done
    done
    ;;
verify)
    size=${1:?SIZE}; u=$(url "$size")
    # The hour and minute buckets of the last hour of the day against a GROUP BY (EXCEPT ALL both ways).
    psql -d "$u" -At -c "
        WITH g AS (
            SELECT w::analytics.bucket_width AS bucket_width, date_trunc(w, e.occurred_at, 'UTC') AS bucket_start, e.type, e.name,
                   e.transport, e.country, e.device_type, count(*) AS n, count(DISTINCT e.session_id) AS s,
                   count(DISTINCT e.user_id) AS u
            FROM analytics.events e, bench.day_end d, unnest(ARRAY['minute', 'hour']) w
            WHERE e.occurred_at >= date_trunc('hour', d.e - interval '10 minutes') AND e.occurred_at < d.e
            GROUP BY 1, 2, 3, 4, 5, 6, 7),
        a AS (
            SELECT a.bucket_width, a.bucket_start, a.type, a.name, a.transport, a.country, a.device_type,
                   a.event_count, a.distinct_sessions, a.distinct_users
            FROM analytics.event_aggregations a, bench.day_end d
            WHERE a.bucket_width IN ('minute', 'hour')
              AND a.bucket_start >= date_trunc('hour', d.e - interval '10 minutes') AND a.bucket_start < d.e)
        SELECT 'day=$size verify last hour: ' || (SELECT count(*) FROM (TABLE g EXCEPT ALL TABLE a) x) || ' rows only in GROUP BY, '
               || (SELECT count(*) FROM (TABLE a EXCEPT ALL TABLE g) x) || ' only in rollups, of ' || (SELECT count(*) FROM g)"
    ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
