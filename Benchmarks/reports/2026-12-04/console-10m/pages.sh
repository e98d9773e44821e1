#!/usr/bin/env bash
# Times each console page N times (default 10) against a running eventd's admin listener:
# curl's total time and the page's own "SQL N ms" footer; prints p50 and max of each.
ADMIN="${1:-127.0.0.1:55513}"; N="${2:-10}"; TOKEN="progress-bench-console-token-0123"
for page in /console/live /console/dashboards "/console/refusals" "/console/refusals?since=1h" "/console/refusals?since=7d" \
            "/console/refusals?reason=malformed_json" "/console/refusals?reason=too_deep&source_key=bench-web&since=7d"; do
    totals=(); sqls=()
    for i in $(seq 1 $((N + 2))); do
        out=$(curl -s -o /tmp/progress-console/page.html -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "http://$ADMIN$page")
        [ "$i" -le 2 ] && continue
        totals+=("$(echo "$out" | awk '{printf "%.1f", $2 * 1000}')")
        sqls+=("$(grep -o 'SQL [0-9.]* ms' /tmp/progress-console/page.html | head -1 | awk '{print $2}')")
        code="${out%% *}"
    done
    p50() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] " (max " a[NR] ")"}'; }
    echo "$page  http $code  page ms p50 $(p50 "${totals[@]}")  SQL ms p50 $(p50 "${sqls[@]}")"
done
