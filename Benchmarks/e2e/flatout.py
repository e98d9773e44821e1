#!/usr/bin/env python3
"""Cost as work grows (issue 17 item 6): TCP flat out into one growing analytics.events, for
--count events (default 10M) or, with --count 0, --duration seconds (default 600), without
truncating in between. Does committed rows/s stay flat as the table and its six indexes grow, with
autovacuum and checkpoints happening as they do in production?

Called by `run-e2e.sh --flat-out [--count N] [--duration S]` once PostgreSQL is up and migrated.
Every 10 s (sustained.py's SAMPLE_SECONDS) it samples:
  committed/s  rows committed since the last sample (eventd_rows_committed_total), per second;
  rows         rows committed so far;
  table, idx   pg_table_size and pg_indexes_size of analytics.events' partitions, MB;
  ckpt, vac    checkpoints and autovacuum/autoanalyze runs on its partitions that finished in the window;
  eventd       eventd's CPU in the window (cores) and streams in use (eventd_copy_streams_active).
Writes flatout.json and flatout.svg, and prints the table and a text chart. The verdict: the mean
rate of the last fifth of the run against the first fifth (after the first window's ramp).
"""
import json, os, subprocess, time

from e2e import Daemon, Pg, argument_parser, log, proc_cpu, truncate, wait_drained
from sustained import SAMPLE_SECONDS


def metrics(daemon, attempts=5):
    """The daemon's metrics; on a saturated 2-core box the admin listener can take seconds to answer,
    which must not end a 10-minute run."""
    for attempt in range(attempts):
        try:
            return daemon.metrics(timeout=15)
        except OSError as error:  # TimeoutError, connection reset
            log(f"flat-out: /metrics did not answer ({error}); retrying")
    return daemon.metrics(timeout=30)


def pg_counters(pg):
    ckpt = int(pg.q("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"))
    # analytics.events is partitioned: its partitions hold the rows and are what autovacuum visits.
    vac = int(pg.q("SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_all_tables "
                   "WHERE relid IN (SELECT relid FROM pg_partition_tree('analytics.events'))"))
    return ckpt, vac


def sizes_mb(pg):
    table, idx = pg.q("SELECT coalesce(sum(pg_table_size(relid)), 0) || ' ' || coalesce(sum(pg_indexes_size(relid)), 0) "
                      "FROM pg_partition_tree('analytics.events')").split()
    return round(int(table) / 1e6), round(int(idx) / 1e6)


def run(args, pg):
    truncate(pg)
    daemon = Daemon(args, "postgres", http=False)
    daemon.start()
    # The load generator's --count overrides its --duration: one of them bounds the run.
    bound = ["--count", str(args.count)] if args.count else ["--duration", str(args.duration)]
    cmd = [args.loadgen, "send", "--transport", "tcp", "--target", f"127.0.0.1:{args.tcp_port}", *bound,
           "--batch", "100", "--connections", "2", "--json", os.path.join(args.out, "loadgen-flat-out.json")]
    log("flat-out: loadgen " + " ".join(cmd[2:]))
    sender = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    samples = []
    try:
        last = metrics(daemon)
        last_t = start = time.time()
        last_cpu = daemon.cpu()
        last_ckpt, last_vac = pg_counters(pg)
        while sender.poll() is None:
            time.sleep(SAMPLE_SECONDS)
            now, t, cpu = metrics(daemon), time.time(), daemon.cpu()
            ckpt, vac = pg_counters(pg)
            committed = now.get("eventd_rows_committed_total", 0)
            table, idx = sizes_mb(pg)
            sample = {"t": round(t - start, 1),
                      "committed_per_s": round((committed - last.get("eventd_rows_committed_total", 0)) / (t - last_t)),
                      "rows": int(committed), "table_mb": table, "indexes_mb": idx,
                      "checkpoints": ckpt - last_ckpt, "autovacuums": vac - last_vac,
                      "eventd_cores": round((cpu - last_cpu) / (t - last_t), 2),
                      "copy_streams": now.get("eventd_copy_streams_active")}
            samples.append(sample)
            log(f"flat-out: {sample}")
            last, last_t, last_cpu, last_ckpt, last_vac = now, t, cpu, ckpt, vac
        drained = wait_drained(daemon, lambda m: True, timeout=300)
    finally:
        if sender.poll() is None:
            sender.kill()
        daemon.stop()
    with open(os.path.join(args.out, "loadgen-flat-out.json")) as f:
        sent = json.load(f)
    rows = int(pg.q("SELECT count(*) FROM analytics.events"))
    # The first window holds the ramp and the last the drain: the steady state is what is between.
    steady = samples[1:-1] or samples
    fifth = max(1, len(steady) // 5)
    first = sum(s["committed_per_s"] for s in steady[:fifth]) / fifth
    final = sum(s["committed_per_s"] for s in steady[-fifth:]) / fifth
    rates = [s["committed_per_s"] for s in steady]
    return {"sent_events": sent["sent_events"], "rows": rows, "drained": drained, "seconds": samples[-1]["t"] if samples else 0,
            "committed_per_s_mean": round(sum(rates) / len(rates)), "committed_per_s_min": min(rates),
            "committed_per_s_max": max(rates), "first_fifth_mean": round(first), "last_fifth_mean": round(final),
            "last_vs_first": round(final / first, 3) if first else None,
            "checkpoints": sum(s["checkpoints"] for s in samples), "autovacuums": sum(s["autovacuums"] for s in samples),
            "samples": samples}


def text_chart(samples, width=50):
    top = max(s["committed_per_s"] for s in samples) or 1
    lines = []
    for s in samples:
        bar = "#" * round(width * s["committed_per_s"] / top)
        marks = ("C" if s["checkpoints"] else " ") + ("V" if s["autovacuums"] else " ")
        lines.append(f"{s['t']:6.0f} s {s['rows'] / 1e6:6.2f}M {marks} {bar} {s['committed_per_s']:,}")
    return "\n".join(lines)


def svg_chart(samples, path, W=720, H=260, L=60, B=30, T=20):
    top = max(s["committed_per_s"] for s in samples) * 1.1 or 1
    tmax = samples[-1]["t"] or 1
    x = lambda t: L + (W - L - 10) * t / tmax
    y = lambda v: T + (H - T - B) * (1 - v / top)
    pts = " ".join(f"{x(s['t']):.1f},{y(s['committed_per_s']):.1f}" for s in samples)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<text x="{L}" y="13">committed rows/s per 10 s, TCP flat out into one growing analytics.events '
           f'(C = checkpoint, V = autovacuum in the window)</text>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - 10}" y2="{H - B}" stroke="#999"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="#999"/>']
    for v in range(0, int(top), max(1, int(top / 4 // 5000 * 5000) or 5000)):
        out.append(f'<text x="{L - 5}" y="{y(v) + 4:.1f}" text-anchor="end">{v // 1000}k</text>')
    for s in samples[:: max(1, len(samples) // 8)]:
        out.append(f'<text x="{x(s["t"]):.1f}" y="{H - B + 14}" text-anchor="middle">{s["t"]:.0f} s · {s["rows"] / 1e6:.1f}M</text>')
    for s in samples:
        for i, (key, mark) in enumerate((("checkpoints", "C"), ("autovacuums", "V"))):
            if s[key]:
                out.append(f'<text x="{x(s["t"]):.1f}" y="{T + 10 + 11 * i}" fill="#c33" text-anchor="middle">{mark}</text>')
    out.append(f'<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{pts}"/>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out))


def main():
    p = argument_parser()
    p.add_argument("--count", type=int, default=10_000_000, help="events to send; 0: send for --duration")
    p.add_argument("--duration", type=float, default=600, help="seconds to send with --count 0")
    p.add_argument("--pg-pid", type=int, default=0)
    p.add_argument("--loader-connections", type=int, default=None, help="loader.connections (default: eventd's)")
    args = p.parse_args()
    args.tcp_port, args.udp_port, args.admin_port, args.http_port = (args.base_port + i for i in range(4))
    pg = Pg(args.database_url)
    result = run(args, pg)
    with open(os.path.join(args.out, "flatout.json"), "w") as f:
        json.dump(result, f, indent=1)
    svg_chart(result["samples"], os.path.join(args.out, "flatout.svg"))
    print(f"flat out: {result['sent_events']:,} events sent, {result['rows']:,} rows stored in {result['seconds']:.0f} s "
          f"(drained: {result['drained']})")
    print("| t (s) | committed rows/s | rows | table MB | indexes MB | checkpoints | autovacuums | eventd cores | COPY streams |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in result["samples"]:
        print(f"| {s['t']:.0f} | {s['committed_per_s']:,} | {s['rows']:,} | {s['table_mb']:,} | {s['indexes_mb']:,} | "
              f"{s['checkpoints']} | {s['autovacuums']} | {s['eventd_cores']} | {s['copy_streams']} |")
    print(text_chart(result["samples"]))
    print(f"steady mean {result['committed_per_s_mean']:,} rows/s (min {result['committed_per_s_min']:,}, "
          f"max {result['committed_per_s_max']:,}); last fifth / first fifth = {result['last_vs_first']} "
          f"({result['last_fifth_mean']:,} / {result['first_fifth_mean']:,}); {result['checkpoints']} checkpoints, "
          f"{result['autovacuums']} autovacuum/autoanalyze runs of analytics.events")


if __name__ == "__main__":
    main()
