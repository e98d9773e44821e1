#!/usr/bin/env bash
# 014's backfill against the current one on the same data, alternating (issue #15, 015).
#
#   Benchmarks/rollups/backfill-ab.sh DATABASE_URL [ROUNDS]     e.g. a day from `day-sizes.sh load 300000`
#
# Installs 014's run_rollups as bench014.run_rollups (its body unchanged; reset_rollups() is shared),
# then per round: reset_rollups() + VACUUM of the rollup tables + a timed backfill by 014, the same by
# the current analytics.run_rollups.  Leaves the current function's rollups in place.
set -euo pipefail
url=${1:?DATABASE_URL}; rounds=${2:-2}
root=$(cd "$(dirname "$0")/../.." && pwd)
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -d "$url" -c "CREATE SCHEMA IF NOT EXISTS bench014"
sed -n '/^CREATE OR REPLACE FUNCTION/,$p' "$root/Sources/EventdMigrations/SQL/014_rollup_lag.sql" \
    | sed 's/^CREATE OR REPLACE FUNCTION analytics\.run_rollups(/CREATE OR REPLACE FUNCTION bench014.run_rollups(/;
           s/^COMMENT ON FUNCTION analytics\.run_rollups(/COMMENT ON FUNCTION bench014.run_rollups(/' \
    | psql -d "$url" >/dev/null 2>&1
for ((r = 1; r <= rounds; r++)); do
    for v in bench014 analytics; do
        psql -d "$url" -c "SELECT analytics.reset_rollups()" \
             -c "VACUUM analytics.event_aggregations, analytics.event_aggregation_members" >/dev/null
        t0=$(date +%s.%N)
        ms=$(psql -d "$url" -At -c "SELECT $v.run_rollups('15 minutes') ->> 'ms'")
        t1=$(date +%s.%N)
        printf 'round %d %s: %.1f s (run %s ms) load %s\n' "$r" "$v" "$(echo "$t1 - $t0" | bc)" "$ms" "$(cut -d' ' -f1 /proc/loadavg)"
    done
done
