#!/usr/bin/env bash
# CI smoke of the benchmark harness: builds it, runs the shortest end-to-end pass against a fresh
# PostgreSQL and one short pass of every microbenchmark. Fails only when the harness itself breaks
# (a build error, a crash, a phase that loses events it should not); never on timings.
#
#   Benchmarks/smoke.sh            # ~2 minutes on 2 cores once built (104 s measured); a cold build of
#                                  # eventd (release) and package-benchmark adds ~4-5 minutes
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/results/smoke-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
started=$(date +%s)

echo "[smoke] building the harness (release)"
swift build -c release --package-path "$HERE" --product eventd
swift build -c release --package-path "$HERE" --product eventd-loadgen

echo "[smoke] end to end (--smoke: 20k-row ceiling, 4 s phases)"
"$HERE/run-e2e.sh" --smoke --skip-build --duration 2 --out "$OUT/e2e"

# Sanity of the harness, not of performance: every TCP event sent must have landed, the chart and
# JSON must exist, and UDP losses must be fully accounted for.
python3 - "$OUT/e2e/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
phases = {p["phase"]: p for p in r["phases"]}
problems = []
for name in ("tcp-max", "tcp-half", "tcp-ack-max"):
    p = phases[name]
    if p["landed"] != p["loadgen"]["sent_events"]:
        problems.append(f"{name}: sent {p['loadgen']['sent_events']} but {p['landed']} landed")
if phases["tcp-ack-max"]["loadgen"]["confirmed_events"] != phases["tcp-ack-max"]["landed"]:
    problems.append("tcp-ack-max: confirmed != landed")
for name in ("udp-half", "udp-max"):
    if phases[name]["udp"]["unexplained"] != 0:
        problems.append(f"{name}: {phases[name]['udp']['unexplained']} UDP events lost without being counted")
if phases["null-sink-tcp"]["landed"] <= 0:
    problems.append("null sink counted nothing")
if problems:
    sys.exit("harness check failed: " + "; ".join(problems))
print("[smoke] e2e harness checks passed")
PY
test -s "$OUT/e2e/e2e.svg"

echo "[smoke] microbenchmarks (one short pass each; thresholds are not checked here)"
(cd "$HERE" && EVENTD_BENCH_SMOKE=1 swift package benchmark --no-progress --format markdown) > "$OUT/microbenchmarks.md"
grep -q "decode native batch" "$OUT/microbenchmarks.md"
echo "[smoke] done in $(( $(date +%s) - started )) s; results in $OUT"
