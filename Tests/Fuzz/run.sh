#!/usr/bin/env bash
# Builds eventd's libFuzzer targets and runs each for a bounded time.
#
#   Tests/Fuzz/run.sh [seconds-per-target] [target …]      (default: 60 s, all seven targets)
#   Tests/Fuzz/run.sh --replay FILE…                        run every target once on the given inputs
#
# Targets: FuzzDecode (JSON scanner/validator → COPY rows), FuzzCopyFormats (binary COPY against
# text COPY), FuzzFraming (NDJSON LineFramer), FuzzHTTPBody
# (gzip/deflate with a cap, base64, form bodies, writeKey scan), FuzzVendorBody (PostHog/Mixpanel/Snowplow bodies:
# base64, form, gzip, lz-string, the JSON rewrite), FuzzConfig (TOML config loader), FuzzTOML (the
# TOML reader alone: read, write back, read again).
# Each starts from its committed seeds (Tests/Fuzz/Corpus/<target>) plus what earlier runs on this machine found
# (Tests/Fuzz/.build/corpus/<target>, never committed). Exit status is non-zero when any target crashed, tripped
# a sanitizer or an invariant, leaked, or timed out; the reproducing input is printed and kept under
# Tests/Fuzz/.build/artifacts/. Reproduce one with `Tests/Fuzz/.build/release/<target> <file>`, and add it
# as a regression test to the normal suite.
#
# Build: a separate package (Tests/Fuzz/Package.swift) compiling the real sources (dependencies on the main
# package's library targets, no symlinks), release mode
# with `--sanitize=fuzzer --sanitize=address`; about 3 minutes from scratch on 2 cores, seconds when cached.
# `--disable-dead-strip` is essential: release links use --gc-sections, which throws away every Swift module's
# coverage counters (__sancov_cntrs is referenced by nothing), leaving libFuzzer blind ("corp: 1/1b"). And
# `-Xswiftc -sanitize=fuzzer,address`: SwiftPM passes the two sanitizers to swiftc as separate flags, of which
# the frontend keeps only the last, so without it the Swift code would get coverage but no AddressSanitizer.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# FUZZ_SEED and FUZZ_RUNS (with SWIFT_DETERMINISTIC_HASHING=1, as the test command runs it) make a run
# nearly repeatable: the same seed, run count and binary explore nearly the same inputs every time.
# Not exactly: FuzzDecode's fresh event ids carry the clock and random bytes, which can steer coverage.
runs=()
[ -n "${FUZZ_RUNS:-}" ] && runs+=(-runs="$FUZZ_RUNS")
cd "$here"

all_targets=(FuzzDecode FuzzCopyFormats FuzzFraming FuzzHTTPBody FuzzVendorBody FuzzConfig FuzzTOML)
replay=()
seconds=60
targets=()
if [[ "${1:-}" == "--replay" ]]; then
    shift
    for f in "$@"; do replay+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
    [[ ${#replay[@]} -gt 0 ]] || { echo "run.sh --replay needs input files" >&2; exit 2; }
elif [[ $# -gt 0 ]]; then
    seconds="$1"
    shift
    targets=("$@")
fi
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")

echo "fuzz: building ${targets[*]} (release, fuzzer+address)"
mkdir -p .build
build_start=$SECONDS
if ! swift build -c release --sanitize=fuzzer --sanitize=address --disable-dead-strip \
        -Xswiftc -sanitize=fuzzer,address >".build/build-log.txt" 2>&1; then
    cat .build/build-log.txt
    echo "fuzz: build failed" >&2
    exit 1
fi
echo "fuzz: built in $((SECONDS - build_start)) s"

# The Swift runtime's own crash reporter fights ASan over the dying process (and hides the report): off.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

failed=()
for target in "${targets[@]}"; do
    binary=".build/release/$target"
    [[ -x "$binary" ]] || { echo "fuzz: no such target $target" >&2; exit 2; }
    log=".build/logs/$target.log"
    mkdir -p .build/logs ".build/corpus/$target" .build/artifacts
    if [[ ${#replay[@]} -gt 0 ]]; then
        echo "fuzz: $target on ${#replay[@]} input(s)"
        "$binary" -runs=1 "${replay[@]}" >"$log" 2>&1
        status=$?
    else
        echo "fuzz: $target for ${seconds} s"
        # Every target runs with leak checks on, in one process for the whole time.
        leaks=1
        slice_limit=$seconds
        : >"$log"
        remaining=$seconds
        round=0
        status=0
        while [[ $status -eq 0 && $remaining -gt 0 ]]; do
            slice=$((remaining < slice_limit ? remaining : slice_limit))
            seed=()
            [ -n "${FUZZ_SEED:-}" ] && seed+=(-seed="$((FUZZ_SEED + round))")
            # Work corpus first (new inputs are written there), committed seeds second (read only).
            "$binary" "${seed[@]}" "${runs[@]}" -max_total_time="$slice" -detect_leaks=$leaks -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
                -artifact_prefix=".build/artifacts/$target-" ".build/corpus/$target" "Corpus/$target" >>"$log" 2>&1
            status=$?
            remaining=$((remaining - slice))
            round=$((round + 1))
        done
    fi
    if [[ $status -ne 0 ]]; then
        failed+=("$target")
        echo "fuzz: $target FAILED (exit $status); log: $here/$log"
        grep -E "Fatal error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|SUMMARY:" "$log" | head -5 | sed 's/^/  /'
        grep -E "^artifact_prefix=.*Test unit written to" "$log" | sed -E "s|.*Test unit written to (.*)|  crash input: $here/\1|"
    else
        awk '/^stat::number_of_executed_units:/ { inputs += $2; processes++ }
             END { if (processes) printf "  stat::number_of_executed_units: %d (%d process(es))\n", inputs, processes }' "$log"
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: ${#failed[@]} of ${#targets[@]} target(s) failed: ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#targets[@]} target(s) clean"
