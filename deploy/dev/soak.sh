#!/usr/bin/env bash
# Soak run: `eventd serve` (disk spool on) at a steady event rate for a few minutes, sampling its resident
# memory and open file descriptors; both must level off. The asserted version (TCP-ack, HTTP and UDP;
# 180 s in the test command) is Tests/EventdDaemonTests/Faults/SoakTests.swift; this one is for a rate
# and length of your choice, printing a line per 10 s.
#
#   deploy/dev/soak.sh [SECONDS=300] [EVENTS_PER_SECOND=5000]
#
# Needs a PostgreSQL admin URL in EVENTD_TEST_DATABASE_URL (default: the dev server,
# postgresql://postgres@127.0.0.1:54329/postgres; `deploy/dev/eventd-dev postgres start`), python3 for the
# load generator, and the eventd binary (EVENTD_BINARY, default: a release build, built if missing).
# Creates and drops its own database. Prints one line per 10 s and a summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-300}
rate=${2:-5000}
admin_url=${EVENTD_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:54329/postgres}
binary=${EVENTD_BINARY:-}
if [[ -z "$binary" ]]; then
    swift build -c release --product eventd >/dev/null
    binary="$(swift build -c release --show-bin-path)/eventd"
fi
work=$(mktemp -d /tmp/eventd-soak.XXXXXX)
db="eventd_soak_$$"
db_url="${admin_url%/*}/$db"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tcp=$(free_port); admin=$(free_port)
eventd_pid=""; load_pid=""
cleanup() {
    [[ -n "$load_pid" ]] && kill "$load_pid" 2>/dev/null || true
    [[ -n "$eventd_pid" ]] && kill "$eventd_pid" 2>/dev/null && wait "$eventd_pid" 2>/dev/null || true
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
"$binary" migrate --database-url "$db_url" >/dev/null
cat > "$work/eventd.toml" <<TOML
[database]
url = "$db_url"
[sources.tcp]
listen = "127.0.0.1:$tcp"
[admin]
listen = "127.0.0.1:$admin"
[spool]
directory = "$work/spool"
[log]
level = "warning"
TOML
"$binary" serve --config "$work/eventd.toml" 2>"$work/eventd.log" &
eventd_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$tcp") 2>/dev/null && break; sleep 0.1; done

# Load: 4 ack-mode connections (acks read as they come), lines of 50 events, paced to $rate events/s in total; plus one short-lived
# connection per second (a descriptor leak per connection would show). Writes the confirmed count at the end.
python3 - "$tcp" "$rate" "$duration" "$work/confirmed" <<'PY' &
import socket, sys, threading, time, datetime, json
port, rate, duration, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ts = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
per_line, conns = 50, 4
interval = per_line * conns / rate
confirmed = [0] * conns
def sender(k):
    # Lines are sent at the paced rate without waiting; a reader thread counts the acks as they come.
    s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb")
    s.sendall(b'{"ack":true}\n')
    sent = [0]
    def reader():
        acked = 0
        while True:
            reply = f.readline()
            if not reply: return
            if json.loads(reply).get("accepted") == per_line: confirmed[k] += per_line
            acked += 1
            if acked == sent[0] and done[0]: return
    done = [False]
    r = threading.Thread(target=reader); r.start()
    line, start = 0, time.monotonic()
    while time.monotonic() - start < duration:
        ev = ",".join('{"type":"track","event":"Soak","anonymousId":"a","messageId":"soak-%d-%d-%d","timestamp":"%s"}' % (k, line, i, ts) for i in range(per_line))
        sent[0] += 1
        s.sendall(('{"batch":[%s]}\n' % ev).encode())
        line += 1
        time.sleep(max(0, start + line * interval - time.monotonic()))
    done[0] = True
    s.shutdown(socket.SHUT_WR)
    r.join()
def churn():
    start, n = time.monotonic(), 0
    while time.monotonic() - start < duration:
        c = socket.create_connection(("127.0.0.1", port)); c.sendall(b'{"type":"track","event":"Churn","anonymousId":"a"}\n'); c.close()
        n += 1; time.sleep(1)
threads = [threading.Thread(target=sender, args=(k,)) for k in range(conns)] + [threading.Thread(target=churn)]
for t in threads: t.start()
for t in threads: t.join()
open(out, "w").write(str(sum(confirmed)))
PY
load_pid=$!

rss() { awk '/VmRSS/ {print $2}' "/proc/$eventd_pid/status"; }
fds() { ls "/proc/$eventd_pid/fd" | wc -l; }
printf '%6s %10s %5s %12s\n' "t(s)" "RSS(KiB)" "fds" "rows"
start=$SECONDS; first_rss=""; first_fds=""; max_rss=0
while kill -0 "$load_pid" 2>/dev/null; do
    sleep 10
    t=$((SECONDS - start)); r=$(rss); f=$(fds)
    rows=$(psql "$db_url" -Atc "SELECT count(*) FROM analytics.events")
    printf '%6d %10d %5d %12d\n' "$t" "$r" "$f" "$rows"
    if (( t >= 30 )) && [[ -z "$first_rss" ]]; then first_rss=$r; first_fds=$f; fi
    (( r > max_rss )) && max_rss=$r
done
wait "$load_pid"; load_pid=""
last_rss=$(rss); last_fds=$(fds)
kill -TERM "$eventd_pid"; wait "$eventd_pid"; status=$?; eventd_pid=""
confirmed=$(cat "$work/confirmed")
stored=$(psql "$db_url" -Atc "SELECT count(*) FROM analytics.events WHERE message_id LIKE 'soak-%'")
dups=$(psql "$db_url" -Atc "SELECT count(*) - count(DISTINCT message_id) FROM analytics.events WHERE message_id LIKE 'soak-%'")
echo "summary: ${duration}s at ${rate} events/s; confirmed $confirmed, stored $stored, duplicates $dups; eventd exit $status"
echo "summary: RSS after warm-up ${first_rss:-?} KiB, at the end $last_rss KiB, max $max_rss KiB; fds ${first_fds:-?} -> $last_fds"
