#!/usr/bin/env bash
# 015's minute recount against 016's minute member sets on the same data and the same +10k, alternating
# (issue #15, 016).
#
#   Benchmarks/rollups/minute-ab.sh ROUNDS SIZE...     days from `day-sizes.sh load SIZE` + `backfill SIZE`
#
# Installs 015's run_rollups as bench015.run_rollups (its body unchanged) in each day's database.  Per
# round, per SIZE, per function (015, then 016): one transaction that inserts day-sizes.sh's +10k events
# (created now, occurring in the day's densest last 10 minutes), runs the function (its own "ms", inside
# PostgreSQL) and ROLLS BACK, so every run of every round starts from the same committed state: the
# same watermark, frontier, buckets and member sets.  The rows the run inserts are its own transaction's
# (folded by command id, 011), the same path for both functions.  Also times, in the same transaction
# after 016's run, the probe 016 did not choose (RAW_PROBE): per distinct (minute bucket, session or user)
# of the +10k, "does any other event of this member fall in this minute bucket", through the raw events'
# (session_id, occurred_at) and (user_id, occurred_at) indexes, one LATERAL probe per pair.
#
# Server: $EVENTD_BENCH_DATABASE_URL (as day-sizes.sh).
set -euo pipefail
rounds=${1:?ROUNDS}; shift
base=${EVENTD_BENCH_DATABASE_URL:-postgresql://postgres@127.0.0.1:54329/postgres}
root=$(cd "$(dirname "$0")/../.." && pwd)
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
url() { echo "${base%/*}/eventd_rollup_day_$1"; }
insert="
    INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, transport, country, device_type)
    SELECT 'track', (ARRAY['page_view_home', 'signup_click', 'checkout'])[1 + i % 3], 'ab.' || (i / 20),
           CASE WHEN i % 3 = 0 THEN 'abu.' || (i / 60) END, t, t, 'http', 'US', 'mobile'
    FROM bench.day_end d, generate_series(1, 10000) i,
         LATERAL (SELECT d.e - (i % 1 + random()) * interval '10 minutes' AS t) o;"
raw_probe="
    SELECT count(*) FILTER (WHERE p.n > q.n) AS already_there, count(*) AS pairs,
           round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000, 1) AS ms
    FROM (SELECT date_trunc('minute', e.occurred_at, 'UTC') AS minute, e.type, e.name, e.transport, e.country,
                 e.device_type, k.kind, k.member, count(*) AS n
          FROM analytics.events e
          CROSS JOIN LATERAL (VALUES ('s', e.session_id), ('u', e.user_id)) k(kind, member)
          WHERE e.created_at = now() AND e.xmin = xid(pg_current_xact_id()) AND k.member IS NOT NULL
          GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) q
    CROSS JOIN LATERAL (
        SELECT sum(x.c) AS n FROM (
            SELECT count(*) AS c FROM analytics.events r
            WHERE q.kind = 's' AND r.session_id = q.member
              AND r.occurred_at >= q.minute AND r.occurred_at < q.minute + interval '1 minute'
              AND r.type = q.type AND r.name = q.name AND r.transport = q.transport
              AND r.country IS NOT DISTINCT FROM q.country AND r.device_type IS NOT DISTINCT FROM q.device_type
            UNION ALL
            SELECT count(*) FROM analytics.events r
            WHERE q.kind = 'u' AND r.user_id = q.member
              AND r.occurred_at >= q.minute AND r.occurred_at < q.minute + interval '1 minute'
              AND r.type = q.type AND r.name = q.name AND r.transport = q.transport
              AND r.country IS NOT DISTINCT FROM q.country AND r.device_type IS NOT DISTINCT FROM q.device_type) x
        OFFSET 0) p"
for size in "$@"; do
    psql -d "$(url "$size")" -c "CREATE SCHEMA IF NOT EXISTS bench015"
    sed -n '/^CREATE OR REPLACE FUNCTION analytics.run_rollups(/,$p' "$root/Sources/EventdMigrations/SQL/015_rollup_backfill.sql" \
        | sed 's/^CREATE OR REPLACE FUNCTION analytics\.run_rollups(/CREATE OR REPLACE FUNCTION bench015.run_rollups(/;
               s/^COMMENT ON FUNCTION analytics\.run_rollups(/COMMENT ON FUNCTION bench015.run_rollups(/' \
        | psql -d "$(url "$size")" >/dev/null
done
for ((r = 1; r <= rounds; r++)); do
    for size in "$@"; do
        u=$(url "$size")
        ms015=$(psql -d "$u" -At -c "BEGIN" -c "$insert" -c "SELECT bench015.run_rollups('15 minutes') ->> 'ms'" -c "ROLLBACK")
        out016=$(psql -d "$u" -At -F ' ' -c "BEGIN" -c "$insert" -c "SELECT analytics.run_rollups('15 minutes') ->> 'ms'" \
                      -c "$raw_probe" -c "ROLLBACK")
        read -r ms016 probe_there probe_pairs probe_ms <<<"$(echo $out016)"
        printf 'round %d day=%s +10k: 015 %s ms, 016 %s ms; raw-event probe %s ms (%s pairs, %s already there) load %s\n' \
            "$r" "$size" "$ms015" "$ms016" "$probe_ms" "$probe_pairs" "$probe_there" "$(cut -d' ' -f1 /proc/loadavg)"
    done
done
