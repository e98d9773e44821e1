#!/usr/bin/env bash
# What 009's triggers (event_aggregations -> event_hour_type_totals) add to a rollup run, on a
# query-bench dataset:
#
#   Benchmarks/queries/hour-totals-cost.sh --database-url URL [--pairs N]
#
# Each sample inserts 1,000 events of the dataset's mix stamped within the last minute, runs
# analytics.run_rollups('15 minutes') and ROLLS BACK, so every sample does the same work. Samples
# alternate with the triggers enabled ("on") and disabled inside the transaction ("off"), so both
# see the same machine load. "on" samples also report the triggers' own time from
# pg_stat_xact_user_functions (track_functions = all). Needs a superuser (ALTER TABLE, SET).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
URL="" PAIRS=4
while [ $# -gt 0 ]; do
    case "$1" in
        --database-url) URL="$2"; shift ;;
        --pairs) PAIRS="$2"; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "hour-totals-cost: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$URL" ] || { echo "hour-totals-cost: --database-url is required" >&2; exit 2; }

sample() {  # $1 = on|off; prints "run ms|trigger ms"
    local disable=""
    [ "$1" = off ] && disable="ALTER TABLE analytics.event_aggregations DISABLE TRIGGER event_aggregations_hours_insert,
        DISABLE TRIGGER event_aggregations_hours_update, DISABLE TRIGGER event_aggregations_hours_delete;"
    psql -XAtq -v ON_ERROR_STOP=1 "$URL" -v from=49999001 -v to=50000000 -v total=50000000 <<SQL | tail -n 1
SET client_min_messages = warning;
BEGIN;
SET LOCAL track_functions = 'all';
$disable
\i $HERE/dataset-events.sql
SELECT analytics.run_rollups('15 minutes') ->> 'ms' AS run_ms \gset
SELECT coalesce(round(sum(total_time)::numeric, 1), 0) AS trigger_ms FROM pg_stat_xact_user_functions
 WHERE funcname = 'event_aggregations_follow_hours' \gset
SELECT :'run_ms' || '|' || :'trigger_ms';
ROLLBACK;
SQL
}

echo "$(date -u '+%F %T UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "triggers  run_rollups ms  of which the triggers ms"
for _ in $(seq "$PAIRS"); do
    for mode in on off; do
        IFS='|' read -r run trig < <(sample "$mode")
        printf '%-8s  %14s  %s\n' "$mode" "$run" "$( [ "$mode" = on ] && echo "$trig" || echo -)"
    done
done
echo "$(date -u '+%F %T UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
