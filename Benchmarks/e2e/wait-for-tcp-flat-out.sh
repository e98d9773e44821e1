# Sourced by the perf-*.sh samplers: waits until the load generator's flat-out TCP send starts
# (tcp-max: no --rate, so its command line ends with --connections N), polling every 0.2 s.
#   wait_for_tcp_flat_out SECONDS   -> 0 once it runs, 1 after SECONDS without it
wait_for_tcp_flat_out() {
    local polls=$(( $1 * 5 ))
    for _ in $(seq 1 "$polls"); do
        pgrep -f 'eventd-loadgen send --transport tcp .*--connections [0-9]*$' >/dev/null && return 0
        sleep 0.2
    done
    return 1
}
