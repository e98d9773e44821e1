#!/usr/bin/env bash
# eventd end to end, side by side with the PostgreSQL ceiling, in one run.
#
#   Benchmarks/run-e2e.sh                      # full run (~30 s per phase, 1M-row ceiling; a few minutes)
#   Benchmarks/run-e2e.sh --smoke              # ~20 s of load in all (CI; not a timing assertion)
#   Benchmarks/run-e2e.sh --database-url URL   # use an existing, empty-able PostgreSQL instead of a fresh one
#   Benchmarks/run-e2e.sh --backend-cpu [--ceiling-rows N]   # instead of the phases: PostgreSQL backend CPU per
#                                              # 1,000 rows, eventd vs psql, text vs binary, without each index
#                                              # (e2e/backend_cpu.py; N rows per measurement, default 100,000)
#   Benchmarks/run-e2e.sh --sustained [--rate R] [--duration S]   # instead of the phases: R events/s (default
#                                              # 5,000) for S s (default 600) with the rollup service on its
#                                              # default schedule, then with it off (e2e/sustained.py);
#                                              # --rollup-late-window D sets rollup.late_window, --skip-off
#                                              # runs only the rollups-on phase
#   Benchmarks/run-e2e.sh --flat-out [--count N | --count 0 --duration S]   # instead of the phases: TCP flat out
#                                              # into one growing analytics.events for N events (default 10M),
#                                              # committed rows/s, table and index size, checkpoints and
#                                              # autovacuums every 10 s (e2e/flatout.py); flatout.json, .svg
#   Benchmarks/run-e2e.sh --import-vs-live [--count N]   # instead of the phases: the same N events (default 1M)
#                                              # through eventd live (TCP) and through `eventd import`, twice each
#                                              # (e2e/import_live.py); import-live.json
#   Benchmarks/run-e2e.sh --protocols [--duration S]   # instead of the phases: landed rows/s per HTTP protocol
#                                              # (Segment, native, PostHog /batch/ and /i/v0/e, Mixpanel /import
#                                              # and /track, Snowplow tp2), each S s (default 20) flat out, Segment
#                                              # first and last as the reference (e2e/protocols.py)
#
# Options: --duration S (per phase), --ceiling-rows N (default 1,000,000: all the rows eventd stores in a
#          10 s tcp-max; fewer makes the ceilings a shorter, cheaper load than eventd's), --burst-ceiling-rows N
#          (also load only the first N stored rows, with the best text ceiling's stream count: burst-text-x<k>-first<N>,
#          never a ceiling; what a short load into an empty table costs beside the whole load), --out DIR (default Benchmarks/results/e2e-<time>),
#          --skip-build, --pg-port P (fresh cluster's port, default 55460; eventd uses P+1..P+4),
#          --copy-format text|binary (the main eventd's loader.copy_format; default: eventd's default),
#          --compare-copy-formats text,binary (a tcp-max-<format> phase for each, right after the ceilings),
#          --loader-connections N (eventd's loader.connections, the most COPY streams; default: eventd's default),
#          --compare-loader-connections 2,4 (tcp-max-c<N> and http-max-c<N> phases for each, after the ceilings),
#          --compare-only (only tcp-max, the ceilings and the comparisons asked for: a short run),
#          --phases udp-half,tcp-half (only those phases, at --half-rate R events/s, default 35,000; no ceilings,
#          tcp-max or null sink), with --alt-eventd PATH [--rounds N] to run them on two builds alternating
#          ABBA in one run (e2e/phases.py), --eventd-log-level info (eventd's log in the out directory),
#          --pg-setting NAME=VALUE (fresh cluster only; repeatable: a PostgreSQL setting over the bench file's),
#          --pg-trace (fresh cluster only: PostgreSQL logs statements over 20 ms, checkpoints, autovacuums and
#          WAL segment files it creates, times its WAL writes and fsyncs, and keeps its log as postgres.log in the
#          out directory; a sampler writes the kernel's dirty/writeback pages and the disk's queue every 100 ms to
#          io-samples.tsv: what a slow COMMIT waited on; e2e/pg_trace.py lines them up with the slowest cuts),
#          --pg-prewarm (touch all of shared_buffers before the first phase, so that no phase pays the fresh
#          cluster's first touches of its shared memory; e2e.py prewarm_shared_buffers),
#          --no-disk-settle (start the half-load phases at once instead of waiting, after the TRUNCATE that
#          frees the last phase's gigabytes, until fdatasync beside the data directory has had no stall over
#          20 ms for 5 s: on a filesystem mounted with `discard` the freed blocks stall fsyncs for a while;
#          e2e/disk_settle.py; fresh cluster only, never with --database-url).
#
# Ceilings: `ceiling*` is one psql \copy of load-generator rows in text (kept for continuity); `pg-<format>-x<N>`
# loads the very rows eventd stored in tcp-max with N = 1..4 parallel psql \copy sessions, in text and in
# binary; the best of those is "the PostgreSQL ceiling", and every printed ratio names its ceiling.
#
# It builds eventd and the load generator (release), starts a fresh PostgreSQL with
# Config/postgresql.bench.conf (as the postgres user when run as root), migrates with
# `eventd migrate`, and hands over to e2e/e2e.py, which runs the phases and writes
# results.json, e2e.svg and the table. The cluster is stopped and removed at exit.
# WARNING with --database-url: analytics.events and analytics.rejected_events are TRUNCATED.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"

PROTOCOLS=""; SUSTAINED=""; FLATOUT=""; IMPORTLIVE=""; COUNT=""; RATE=""; LATEWIN=""; SKIPOFF=""; LOADERCONN=""; COMPARECONN=""; COMPAREONLY=""; PHASES=""; HALFRATE=""; ALTEVENTD=""; ROUNDS=""; EVENTDLOG=""; BURST=""; PGTRACE=""; PREWARM=""; NOSETTLE=""; PGSETTINGS=(); BACKEND_CPU=""; COPYFMT=""; COMPARE=""; SMOKE=""; URL=""; DURATION=""; CEILING=""; OUT=""; BUILD=1; PGPORT="${EVENTD_BENCH_PG_PORT:-55460}"
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --database-url) URL="$2"; shift ;;
        --duration) DURATION="$2"; shift ;;
        --ceiling-rows) CEILING="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --skip-build) BUILD="" ;;
        --pg-port) PGPORT="$2"; shift ;;
        --backend-cpu) BACKEND_CPU=1 ;;
        --sustained) SUSTAINED=1 ;;
        --flat-out) FLATOUT=1 ;;
        --import-vs-live) IMPORTLIVE=1 ;;
        --count) COUNT="$2"; shift ;;
        --protocols) PROTOCOLS=1 ;;
        --rate) RATE="$2"; shift ;;
        --rollup-late-window) LATEWIN="$2"; shift ;;
        --skip-off) SKIPOFF=1 ;;
        --copy-format) COPYFMT="$2"; shift ;;
        --compare-copy-formats) COMPARE="$2"; shift ;;
        --loader-connections) LOADERCONN="$2"; shift ;;
        --compare-loader-connections) COMPARECONN="$2"; shift ;;
        --compare-only) COMPAREONLY=1 ;;
        --phases) PHASES="$2"; shift ;;
        --half-rate) HALFRATE="$2"; shift ;;
        --alt-eventd) ALTEVENTD="$2"; shift ;;
        --rounds) ROUNDS="$2"; shift ;;
        --eventd-log-level) EVENTDLOG="$2"; shift ;;
        --pg-trace) PGTRACE=1 ;;
        --pg-prewarm) PREWARM=1 ;;
        --no-disk-settle) NOSETTLE=1 ;;
        --burst-ceiling-rows) BURST="$2"; shift ;;
        --pg-setting) PGSETTINGS+=("$2"); shift ;;
        -h|--help) sed -n "2,$(grep -n '^# WARNING' "$0" | cut -d: -f1)p" "$0"; exit 0 ;;
        *) echo "run-e2e.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
OUT="${OUT:-$HERE/results/e2e-$(date +%Y%m%d-%H%M%S)${SMOKE:+-smoke}}"
mkdir -p "$OUT"
BIN="$HERE/.build/release"

if [ -n "$BUILD" ]; then
    echo "[e2e] building eventd and eventd-loadgen (release)" >&2
    swift build -c release --package-path "$HERE" --product eventd >&2
    swift build -c release --package-path "$HERE" --product eventd-loadgen >&2
fi

PGPID=0
if [ -z "$URL" ]; then
    PGBIN="$(pg_config --bindir 2>/dev/null || true)"
    [ -x "$PGBIN/initdb" ] || PGBIN=/usr/lib/postgresql/15/bin
    PGDIR="$(mktemp -d /tmp/eventd-bench-pg.XXXXXX)"
    AS=()
    if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; AS=(runuser -u postgres --); fi
    SAMPLER=0
    cleanup() {
        [ "$SAMPLER" != 0 ] && kill "$SAMPLER" 2>/dev/null || true
        "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
        [ -n "$PGTRACE" ] && cp "$PGDIR/log" "$OUT/postgres.log" 2>/dev/null || true
        rm -rf "$PGDIR"
    }
    trap cleanup EXIT
    "${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
    "${AS[@]}" cp "$ROOT/Config/postgresql.bench.conf" "$PGDIR/data/postgresql.bench.conf"
    echo "include 'postgresql.bench.conf'" | "${AS[@]}" tee -a "$PGDIR/data/postgresql.conf" >/dev/null
    for setting in ${PGSETTINGS[@]+"${PGSETTINGS[@]}"}; do
        echo "${setting%%=*} = '${setting#*=}'" | "${AS[@]}" tee -a "$PGDIR/data/postgresql.conf" >/dev/null
        echo "[e2e] PostgreSQL setting over Config/postgresql.bench.conf: ${setting%%=*} = '${setting#*=}'" >&2
    done
    if [ -n "$PGTRACE" ]; then
        # Diagnostics only (they cost a little): not part of the settings RESULTS.md quotes.
        printf '%s\n' "log_min_duration_statement = 20" "log_checkpoints = on" "log_autovacuum_min_duration = 0" \
            "track_wal_io_timing = on" "track_io_timing = on" "log_line_prefix = '%m [%p] %a '" \
            "log_lock_waits = on" "deadlock_timeout = 20ms" \
            | "${AS[@]}" tee -a "$PGDIR/data/postgresql.conf" >/dev/null
        python3 "$HERE/e2e/pg_trace.py" sample "$PGDIR" > "$OUT/io-samples.tsv" &
        SAMPLER=$!
    fi
    # Retried: on a shared machine another program's outgoing connection can briefly hold the port
    # as its ephemeral source port ("Address already in use").
    for attempt in 1 2 3 4 5 6; do
        "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
            -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1" start >/dev/null && break
        if [ "$attempt" = 6 ]; then tail -20 "$PGDIR/log" >&2; exit 1; fi
        echo "[e2e] PostgreSQL did not start on port $PGPORT (attempt $attempt); retrying" >&2
        sleep 5
    done
    URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
    PGPID="$(head -1 "$PGDIR/data/postmaster.pid")"
    echo "[e2e] fresh PostgreSQL on port $PGPORT (pid $PGPID, data $PGDIR/data, settings Config/postgresql.bench.conf)" >&2
fi

# Other binaries than the ones built here (e.g. another checkout's load generator): with --skip-build.
EVENTD="${EVENTD_BENCH_EVENTD:-$BIN/eventd}"
LOADGEN="${EVENTD_BENCH_LOADGEN:-$BIN/eventd-loadgen}"
"$EVENTD" migrate --database-url "$URL" >&2

exec_args=(--eventd "$EVENTD" --loadgen "$LOADGEN" --database-url "$URL" --out "$OUT"
           --pg-pid "$PGPID" --base-port "$((PGPORT + 1))" --settings Config/postgresql.bench.conf)
[ -n "$SMOKE" ] && exec_args+=(--smoke)
[ -n "$DURATION" ] && exec_args+=(--duration "$DURATION")
[ -n "$CEILING" ] && exec_args+=(--ceiling-rows "$CEILING")
[ -n "$BURST" ] && exec_args+=(--burst-ceiling-rows "$BURST")
[ -n "$COPYFMT" ] && exec_args+=(--copy-format "$COPYFMT")
[ -n "$COMPARE" ] && exec_args+=(--compare-copy-formats "$COMPARE")
[ -n "$LOADERCONN" ] && exec_args+=(--loader-connections "$LOADERCONN")
[ -n "$COMPARECONN" ] && exec_args+=(--compare-loader-connections "$COMPARECONN")
[ -n "$COMPAREONLY" ] && exec_args+=(--compare-only)
[ -n "$PHASES" ] && exec_args+=(--phases "$PHASES")
[ -n "$HALFRATE" ] && exec_args+=(--half-rate "$HALFRATE")
[ -n "$ALTEVENTD" ] && exec_args+=(--alt-eventd "$ALTEVENTD")
[ -n "$ROUNDS" ] && exec_args+=(--rounds "$ROUNDS")
[ -n "$EVENTDLOG" ] && exec_args+=(--eventd-log-level "$EVENTDLOG")
[ -n "$PREWARM" ] && exec_args+=(--pg-prewarm)
[ -n "$NOSETTLE" ] && exec_args+=(--no-disk-settle)
if [ -n "$SUSTAINED" ]; then
    sustained_args=(--eventd "$EVENTD" --loadgen "$LOADGEN" --database-url "$URL" --out "$OUT" --base-port "$((PGPORT + 1))")
    [ -n "$RATE" ] && sustained_args+=(--rate "$RATE")
    [ -n "$LATEWIN" ] && sustained_args+=(--rollup-late-window "$LATEWIN")
    [ -n "$SKIPOFF" ] && sustained_args+=(--skip-off)
    [ -n "$DURATION" ] && sustained_args+=(--duration "$DURATION")
    python3 "$HERE/e2e/sustained.py" "${sustained_args[@]}" | tee "$OUT/sustained.txt"
    exit 0
fi
if [ -n "$FLATOUT" ]; then
    flatout_args=(--eventd "$EVENTD" --loadgen "$LOADGEN" --database-url "$URL" --out "$OUT" --base-port "$((PGPORT + 1))")
    [ -n "$COUNT" ] && flatout_args+=(--count "$COUNT")
    [ -n "$DURATION" ] && flatout_args+=(--duration "$DURATION")
    [ -n "$LOADERCONN" ] && flatout_args+=(--loader-connections "$LOADERCONN")
    python3 "$HERE/e2e/flatout.py" "${flatout_args[@]}" | tee "$OUT/flatout.txt"
    exit 0
fi
if [ -n "$IMPORTLIVE" ]; then
    python3 "$HERE/e2e/import_live.py" --eventd "$EVENTD" --loadgen "$LOADGEN" --database-url "$URL" --out "$OUT" \
        --base-port "$((PGPORT + 1))" ${COUNT:+--count "$COUNT"} | tee "$OUT/import-live.txt"
    exit 0
fi
if [ -n "$PROTOCOLS" ]; then
    protocol_args=(--eventd "$EVENTD" --loadgen "$LOADGEN" --database-url "$URL" --out "$OUT"
                   --base-port "$((PGPORT + 1))" --pg-pid "$PGPID")
    [ -n "$DURATION" ] && protocol_args+=(--duration "$DURATION")
    python3 "$HERE/e2e/protocols.py" "${protocol_args[@]}" | tee "$OUT/protocols.txt"
    exit 0
fi
if [ -n "$BACKEND_CPU" ]; then
    python3 "$HERE/e2e/backend_cpu.py" "${exec_args[@]}" --rows "${CEILING:-100000}" | tee "$OUT/backend-cpu.txt"
    exit 0
fi
python3 "$HERE/e2e/e2e.py" "${exec_args[@]}" | tee "$OUT/table.txt"
rm -f "$OUT/rows.copy" "$OUT/rows-segment.copy" "$OUT"/stored-*.copy
