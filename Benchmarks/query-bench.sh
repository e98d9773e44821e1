#!/usr/bin/env bash
# The seed's query targets on 10M events / 100k leads (+ sessions), rollups built.
#
#   Benchmarks/query-bench.sh --database-url URL [--events N] [--leads N] [--skip-build]
#                             [--rollup-runs N] [--console-only] [--out DIR]
#
# Builds the dataset into the given (migrated) database — generate_series SQL in
# Benchmarks/queries/dataset-*.sql, then the rollups — unless it is already there, and prints
# p50/p95/max of each query over repeated EXPLAIN (ANALYZE) runs, then times N (default 5)
# incremental analytics.run_rollups() runs, each after 1,000 new events. It writes rows with
# source_key 'bench' / emails 'lead…@company….example.com' / tokens 'sess_bench_…' and replaces
# earlier ones of its own; use a scratch database. ~15-20 minutes on 2 busy cores for 10M events.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/results/queries-$(date +%Y%m%d-%H%M%S)"
ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) ARGS+=("$1") ;;
    esac
    shift
done
python3 "$HERE/queries/query_bench.py" --out "$OUT" "${ARGS[@]}" | tee "$OUT.txt"
