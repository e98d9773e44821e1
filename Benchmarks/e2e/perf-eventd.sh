#!/usr/bin/env bash
# Where eventd's CPU goes in a flat-out TCP phase: waits for the load generator's first flat-out TCP send
# (no --rate), then samples `eventd serve` with perf (cpu-clock, call graphs) for S seconds.
#
#   Benchmarks/e2e/perf-eventd.sh 8 /tmp/eventd.perf &
#   Benchmarks/run-e2e.sh --skip-build --duration 12 --phases tcp-max --rounds 1
#   perf report -i /tmp/eventd.perf --no-children --sort sym --stdio -g none | head -40
#
# Needs `perf` (linux-perf) and root or perf_event_paranoid <= 1. Gives up after 120 s without a send.
set -euo pipefail
SECONDS_TO_SAMPLE="${1:?seconds}"; OUT="${2:?output file}"
source "$(dirname "$0")/wait-for-tcp-flat-out.sh"
wait_for_tcp_flat_out 120 || true  # then the pid lookup below says what is missing
sleep 1  # past the daemon's first cuts
PID="$(pgrep -f 'eventd[^ ]* serve' | head -1)"
[ -n "$PID" ] || { echo "perf-eventd.sh: no eventd serve process" >&2; exit 1; }
echo "perf-eventd.sh: sampling eventd (pid $PID) for $SECONDS_TO_SAMPLE s" >&2
perf record -F 997 -g -p "$PID" -o "$OUT" -- sleep "$SECONDS_TO_SAMPLE"
