#!/usr/bin/env python3
"""A sustained run at a fixed rate with the rollup service on its default schedule, then the same
load with rollups off (issue 15's "Measure"): does the rollup keep up, and does it cost ingest?

Called by `run-e2e.sh --sustained [--rate R] [--duration S]` once PostgreSQL is up and migrated.
Each phase starts from an empty analytics.events and sends R events/s over TCP (the load
generator's `--rate`) for S seconds. Every 10 s it samples:
  committed/s  rows committed since the last sample (eventd_rows_committed_total), per second;
  rollup lag   now() - the rollup watermark (eventd.rollup_state), in seconds;
  run          seconds the rollup job spent since the last sample (eventd_job_duration_seconds_sum
               {job="rollup"}; with a 60 s interval at most one run falls in a 10 s window).
The promise checked: the lag stays under one rollup interval plus the longest run, and rows/s with
rollups on is at least 0.95x rows/s with them off. Writes sustained.json and prints the table.
"""
import json, os, subprocess, threading, time

from e2e import Daemon, Pg, argument_parser, log, truncate, wait_drained

SAMPLE_SECONDS = 10
ROLLUP_INTERVAL_SECONDS = 60  # RollupConfig's default; this script runs eventd's defaults


def job_seconds(metrics):
    return metrics.get('eventd_job_duration_seconds_sum{job="rollup"}', 0.0)


def rollup_lag(pg):
    value = pg.q("SELECT extract(epoch FROM now() - max(watermark)) FROM eventd.rollup_state "
                 "WHERE watermark > '-infinity'")
    return float(value) if value else None


def phase(args, pg, rollups):
    name = "rollups-on" if rollups else "rollups-off"
    truncate(pg)
    extra = f'[rollup]\nlate_window = "{args.rollup_late_window}"\n\n' if rollups and args.rollup_late_window else ""
    daemon = Daemon(args, "postgres", http=False, rollups=rollups, extra_config=extra)
    daemon.start()
    cmd = [args.loadgen, "send", "--transport", "tcp", "--target", f"127.0.0.1:{args.tcp_port}",
           "--rate", str(args.rate), "--duration", str(args.duration), "--batch", "100",
           "--json", os.path.join(args.out, f"loadgen-{name}.json")]
    log(f"{name}: loadgen " + " ".join(cmd[2:]))
    sender = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    samples = []
    try:
        last = daemon.metrics()
        last_t = time.time()
        start = last_t
        while sender.poll() is None:
            time.sleep(SAMPLE_SECONDS)
            now = daemon.metrics()
            t = time.time()
            committed = now.get("eventd_rows_committed_total", 0) - last.get("eventd_rows_committed_total", 0)
            sample = {
                "t": round(t - start, 1),
                "committed_per_s": round(committed / (t - last_t), 1),
                "rollup_lag_s": rollup_lag(pg) if rollups else None,
                "rollup_run_s": round(job_seconds(now) - job_seconds(last), 3) if rollups else None,
                "events": int(pg.q("SELECT count(*) FROM analytics.events")) if len(samples) % 6 == 5 else None,
            }
            samples.append(sample)
            log(f"{name}: {sample}")
            last, last_t = now, t
        drained = wait_drained(daemon, lambda m: True, timeout=120)
    finally:
        if sender.poll() is None:
            sender.kill()
        daemon.stop()
    # The first and last windows hold the ramp; the steady state is what is between.
    steady = samples[1:-1] or samples
    rates = [s["committed_per_s"] for s in steady]
    result = {"phase": name, "rate_offered": args.rate, "seconds": args.duration, "drained": drained,
              "committed_per_s_mean": round(sum(rates) / len(rates), 1),
              "committed_per_s_min": min(rates), "samples": samples}
    if rollups:
        lags = [s["rollup_lag_s"] for s in samples if s["rollup_lag_s"] is not None]
        runs = [s["rollup_run_s"] for s in samples if s["rollup_run_s"]]
        result.update({"rollup_lag_max_s": round(max(lags), 1) if lags else None,
                       "rollup_run_max_s": max(runs) if runs else None,
                       "rollup_runs": len(runs)})
    result["rows"] = int(pg.q("SELECT count(*) FROM analytics.events"))
    return result


def main():
    p = argument_parser()
    p.add_argument("--rate", type=float, default=5000)
    p.add_argument("--duration", type=float, default=600, help="seconds per phase")
    p.add_argument("--pg-pid", type=int, default=0)
    p.add_argument("--rollup-late-window", default=None, help='rollup.late_window, e.g. "1m" (default: eventd\'s)')
    p.add_argument("--skip-off", action="store_true", help="only the rollups-on phase")
    args = p.parse_args()
    args.tcp_port, args.udp_port, args.admin_port, args.http_port = (args.base_port + i for i in range(4))
    pg = Pg(args.database_url)
    on = phase(args, pg, rollups=True)
    off = on if args.skip_off else phase(args, pg, rollups=False)
    bound = ROLLUP_INTERVAL_SECONDS + (on["rollup_run_max_s"] or 0)
    summary = {
        "rate_offered": args.rate, "seconds_per_phase": args.duration,
        "rollups_on": {k: v for k, v in on.items() if k != "samples"},
        "rollups_off": {k: v for k, v in off.items() if k != "samples"},
        "ratio_on_vs_off": round(on["committed_per_s_mean"] / off["committed_per_s_mean"], 3),
        "lag_bound_s": round(bound, 1),
        "lag_within_bound": on["rollup_lag_max_s"] is not None and on["rollup_lag_max_s"] <= bound,
    }
    with open(os.path.join(args.out, "sustained.json"), "w") as f:
        json.dump({"summary": summary, "rollups_on": on, "rollups_off": off}, f, indent=1)
    print(f"offered {args.rate:.0f} events/s for {args.duration:.0f} s per phase")
    print(f"| phase | committed rows/s (mean, steady) | min 10 s window | rows stored | rollup lag max | longest run | runs |")
    print("|---|---|---|---|---|---|---|")
    for r in (on, off):
        print(f"| {r['phase']} | {r['committed_per_s_mean']:,.0f} | {r['committed_per_s_min']:,.0f} | {r['rows']:,} | "
              f"{r.get('rollup_lag_max_s', '—')} s | {r.get('rollup_run_max_s', '—')} s | {r.get('rollup_runs', '—')} |")
    print(f"rows/s with rollups on ÷ off: {summary['ratio_on_vs_off']} (target ≥ 0.95); "
          f"lag max {on['rollup_lag_max_s']} s against the bound interval + longest run = {summary['lag_bound_s']} s")


if __name__ == "__main__":
    main()
