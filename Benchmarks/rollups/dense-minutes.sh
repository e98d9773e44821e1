#!/usr/bin/env bash
# Emulates, on the 2M database that `incremental.sh after 200000 2000000` leaves (EVENTD_BENCH_SUFFIX=_012
# on port 54391), the per-minute density of a much larger day in the minutes a +10k run touches: a run
# after +10k on the plain 2M day, then N (default 153000) rows with occurred_at in the last 11 minutes and
# an old created_at (never folded; they are what the minute recount re-reads), then two runs after +10k.
# Bounded; scratch database only (the dense rows are not counted by the rollups, so it is left inexact).
set -euo pipefail
url=${EVENTD_BENCH_URL:-postgresql://postgres@127.0.0.1:54391/eventd_rollup_bench_after_012}
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
add10k() { psql -d "$url" -c "
    INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, transport, country, device_type)
    SELECT 'track', (ARRAY['page_view_home', 'signup_click', 'checkout'])[1 + i % 3], 'n$1' || (i / 20),
           CASE WHEN i % 3 = 0 THEN 'nu$1' || (i / 60) END, t, t, 'http', 'US', 'mobile'
    FROM generate_series(1, 10000) i, LATERAL (SELECT now() - (i % 1 + random()) * interval '10 minutes' AS t) o"; }
run() { psql -d "$url" -At -c "SELECT analytics.run_rollups('15 minutes') ->> 'ms'"; }
psql -d "$url" -At -c "SELECT 'events in the last 10 minutes: ' || count(*) FROM analytics.events WHERE occurred_at >= now() - interval '10 minutes'"
add10k a; echo "control (2.0M day, ~1.7k events/minute): +10k run $(run) ms"
n=${1:-153000}
psql -d "$url" -c "
    INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties,
                                  transport, country, device_type, created_at)
    SELECT 'track', (ARRAY['page_view_home', 'signup_click', 'checkout'])[1 + i % 3],
           'd' || (i / 20), CASE WHEN i % 3 = 0 THEN 'du' || (i / 60) END, t, t,
           CASE WHEN i % 4 = 0 THEN '{\"value\": 2.5}' ELSE '{}' END::jsonb,
           (ARRAY['tcp', 'udp', 'http']::analytics.transport[])[1 + i % 3],
           (ARRAY['US', 'DE', 'FR', NULL])[1 + i % 4], (ARRAY['desktop', 'mobile'])[1 + i % 2], now() - interval '3 hours'
    FROM generate_series(1, $n) i, LATERAL (SELECT now() - (i % 1 + random()) * interval '11 minutes' AS t) o"
psql -d "$url" -c "VACUUM ANALYZE analytics.events"
psql -d "$url" -At -c "SELECT 'events in the last 10 minutes: ' || count(*) FROM analytics.events WHERE occurred_at >= now() - interval '10 minutes'"
add10k b; echo "dense (+$n in the last 11 minutes, ~17k events/minute as in a 20M day): +10k run $(run) ms"
add10k c; echo "dense, again: +10k run $(run) ms"
