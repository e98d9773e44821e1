#!/usr/bin/env bash
# Runs the ordinary Swift test suite under AddressSanitizer and/or ThreadSanitizer.
#
#   Tests/Sanitizers/run.sh [address|thread|all] [extra `swift test` arguments, e.g. --filter EventdCoreTests]
#
# Each sanitizer has its own build folder (.build-asan, .build-tsan; ignored by .gitignore's .build-*/), so the
# normal .build stays as it is. The integration tests need PostgreSQL: EVENTD_TEST_DATABASE_URL, else the
# project-local server of `deploy/dev/eventd-dev postgres start` (postgresql://postgres@127.0.0.1:54329/postgres).
# Tests run serially (--no-parallel), as in the README's test command. Instrumented code runs several times
# slower, so the tests' waits for a condition (daemon ready, rows landed, a reply) are stretched by
# EVENTD_TEST_TIMEOUT_SCALE (default here 4; Tests/EventdTesting/TestTimeout.swift) — never
# what a test asserts about eventd's behaviour.
# Every report goes to a file under <build folder>/reports/ (log_path), including those of the instrumented
# `eventd serve` processes some tests start; the reports are printed at the end.
# Exit status is non-zero when a build fails, a test fails, or the sanitizer reports anything.
#
# Slow: each mode is a full debug build of the package and its dependencies with instrumentation, then the
# suite; on 2 cores a first run takes on the order of 10 minutes per sanitizer (the timings are printed).
#
# Known and handled:
#   • TSan: Synchronization.Mutex is reported falsely (its futex lock is invisible to TSan); EventdCore uses the
#     pthread-based PThreadLock for that reason, NIO has its own locks, and test code uses NIOLockedValueBox or
#     NSLock. No suppressions are needed today.
#   • ASan: leak detection is off (detect_leaks=0): the Swift runtime, Foundation and NIO keep process-lifetime
#     caches that LeakSanitizer reports at exit, which would drown real findings; heap and stack errors stay fatal.
#     The soak test gives its eventd process a 16 MiB quarantine so that its RSS bounds still mean something.
set -uo pipefail
cd "$(dirname "$0")/../.."

mode="${1:-all}"
[[ $# -gt 0 ]] && shift
case "$mode" in
    address | asan) sanitizers=(address) ;;
    thread | tsan) sanitizers=(thread) ;;
    all) sanitizers=(address thread) ;;
    *) echo "usage: $0 [address|thread|all] [swift test arguments…]" >&2; exit 2 ;;
esac

export EVENTD_TEST_DATABASE_URL="${EVENTD_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:54329/postgres}"
# The Swift runtime's crash reporter races the sanitizers' own reports; theirs are the ones to read.
export SWIFT_BACKTRACE=enable=no
export EVENTD_TEST_TIMEOUT_SCALE="${EVENTD_TEST_TIMEOUT_SCALE:-4}"
asan_options="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0:halt_on_error=1}"
tsan_options="${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}"

failed=()
for sanitizer in "${sanitizers[@]}"; do
    scratch=".build-$([[ $sanitizer == address ]] && echo asan || echo tsan)"
    log="$scratch/sanitizer-test.log"
    reports="$PWD/$scratch/reports"
    rm -rf "$reports"
    mkdir -p "$scratch" "$reports"
    export ASAN_OPTIONS="$asan_options:log_path=$reports/report"
    export TSAN_OPTIONS="$tsan_options:log_path=$reports/report"
    echo "sanitizers: $sanitizer — building ($scratch)"
    start=$SECONDS
    if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$scratch/sanitizer-build.log" 2>&1; then
        tail -40 "$scratch/sanitizer-build.log"
        echo "sanitizers: $sanitizer build FAILED"
        failed+=("$sanitizer")
        continue
    fi
    built=$SECONDS
    echo "sanitizers: $sanitizer — built in $((built - start)) s; testing (log: $log)"
    swift test --skip-build --no-parallel --sanitize="$sanitizer" --scratch-path "$scratch" "$@" >"$log" 2>&1
    status=$?
    found=$(cat "$reports"/report.* 2>/dev/null |
        grep -cE "^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer)")
    echo "sanitizers: $sanitizer — tests ran in $((SECONDS - built)) s, exit $status, $found sanitizer report(s)"
    grep -E "(Test run with [0-9]+ tests|Executed [0-9]+ tests|✘ Test .* failed)" "$log" | sort | uniq -c | head -20 | sed 's/^/  /'
    for file in "$reports"/report.*; do
        [[ -e $file ]] && { echo "  $file:"; grep -E "^(WARNING|SUMMARY|==[0-9]+==ERROR)" "$file" | sort | uniq -c | sed 's/^/  /'; }
    done
    if [[ $status -ne 0 || $found -ne 0 ]]; then
        failed+=("$sanitizer")
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "sanitizers: FAILED: ${failed[*]}"
    exit 1
fi
echo "sanitizers: ${sanitizers[*]} clean"
