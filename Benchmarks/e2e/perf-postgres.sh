#!/usr/bin/env bash
# Where PostgreSQL's CPU goes under eventd's COPY against psql's: samples the whole machine (perf,
# cpu-clock 499 Hz, call graphs) for 8 s of the standard run's tcp-max and 6 s of its pg-binary-x4
# ceiling, into OUT/tcp-max.data and OUT/pg-binary-x4.data. Both windows load a similar number of rows,
# so `--comm postgres` sample counts compare directly (RESULTS.md, "Where PostgreSQL's extra CPU ...").
#
#   Benchmarks/e2e/perf-postgres.sh /tmp/perfpg &
#   Benchmarks/run-e2e.sh --skip-build --duration 10 --out /tmp/run
#   perf report -i /tmp/perfpg/tcp-max.data --comm postgres --children --sort sym --stdio -g none | head -60
#
# Do not run other work while it samples: its phases are then no longer quiet (others' cores).
set -euo pipefail
OUT="${1:?output directory}"
mkdir -p "$OUT"
source "$(dirname "$0")/wait-for-tcp-flat-out.sh"
wait_for_tcp_flat_out 600 || true  # tcp-max follows the row generation and the first ceiling
sleep 1  # past the daemon's first cuts
perf record -a -g -F 499 -o "$OUT/tcp-max.data" -- sleep 8 2>&1 | tail -1
# pg-binary-x4: four psql sessions loading binary files at once.
for _ in $(seq 1 6000); do
    [ "$(pgrep -cf 'FORMAT binary' || true)" -ge 4 ] && break
    sleep 0.1
done
sleep 1
perf record -a -g -F 499 -o "$OUT/pg-binary-x4.data" -- sleep 6 2>&1 | tail -1
