#!/usr/bin/env bash
# What PostgreSQL's active client backends are waiting on, sampled ~50 times a second until killed:
# one line per active backend per sample, `epoch_ms <TAB> first 12 chars of the query <TAB>
# wait_event_type <TAB> wait_event` ("CPU CPU" when it waits on nothing: running, or runnable).
# Each psql session samples 5 s into a temp table, then prints it (so the sampler costs one backend
# about 1 % of a core, and the last 5 s before it is stopped are not printed: stop it after the run).
#
#   Benchmarks/e2e/pg-wait-sampler.sh postgresql://postgres@127.0.0.1:55700/postgres > /tmp/waits.tsv &
#   Benchmarks/run-e2e.sh --skip-build --pg-port 55700 --out /tmp/run      # started first: the sampler needs the cluster
#   python3 Benchmarks/e2e/pg_waits.py /tmp/run/results.json /tmp/waits.tsv    # shares per phase
set -uo pipefail
URL="${1:?PostgreSQL URL}"
trap 'pkill -P $$; exit 0' TERM INT  # and the psql sampling now
while true; do
    psql -XAtq -F $'\t' "$URL" <<'SQL' 2>/dev/null &
CREATE TEMP TABLE IF NOT EXISTS w (ts double precision, q text, wt text, we text);
DO $sample$ BEGIN FOR i IN 1..250 LOOP
  PERFORM pg_stat_clear_snapshot();  -- else pg_stat_activity is read once per transaction
  INSERT INTO w SELECT extract(epoch FROM clock_timestamp()) * 1000, regexp_replace(left(query, 12), '\s+', ' ', 'g'),
         coalesce(wait_event_type, 'CPU'), coalesce(wait_event, 'CPU')
    FROM pg_stat_activity WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
      AND strpos(query, 'pg_stat_clear_snapshot') = 0;  -- another sampler
  PERFORM pg_sleep(0.02);
END LOOP; END $sample$;
SELECT round(ts), q, wt, we FROM w;
SQL
    wait $!  # in the background, so that a TERM stops it at once (the trap runs during `wait`)
    sleep 0.05
done
