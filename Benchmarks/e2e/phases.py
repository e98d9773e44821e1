"""Only some phases of the standard e2e, optionally for two builds alternating in one run.

    Benchmarks/run-e2e.sh --skip-build --phases udp-half,tcp-half --half-rate 35000 --duration 10 \\
        --alt-eventd /tmp/before/eventd --rounds 2

Each round starts each build once (a fresh daemon, default config) and runs the phases named on it; the
builds go A B in even rounds and B A in odd ones (ABBA), so a linear drift of a shared machine cancels in
the medians. No ceilings, no tcp-max (the half-load rate is given, not measured) and no null sink: a short
run that answers one question, such as "did this change move UDP's half-load p99?".
"""
import json, os, statistics

from disk_settle import describe as describe_settle
from e2e import Daemon, log, phase_load, run_load_phase


def run_phases(args, pg, http_available):
    names = [n for n in args.phases.split(",") if n]
    for name in names:
        phase_load(name, args, args.half_rate)  # a KeyError names an unknown phase before anything runs
    builds = [("A", args.eventd)] + ([("B", args.alt_eventd)] if args.alt_eventd else [])
    runs = []
    for round_ in range(args.rounds):
        order = builds if round_ % 2 == 0 else list(reversed(builds))
        for label, eventd in order:
            daemon = Daemon(args, "postgres", http_available, args.copy_format, eventd=eventd,
                            log_level=args.eventd_log_level)
            daemon.start()
            try:
                for name in names:
                    transport, extra = phase_load(name, args, args.half_rate)
                    result = run_load_phase(name, args, pg, daemon, transport, extra)
                    result.update(build=label, eventd=eventd, round=round_, load_average=os.getloadavg())
                    runs.append(result)
            finally:
                daemon.stop()
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"phases": names, "half_rate": args.half_rate, "builds": dict(builds), "runs": runs}, f, indent=1)
    print_runs(runs, names, builds)


def print_runs(runs, names, builds):
    print("build  round  phase       landed   p50 ms   p99 ms   max ms  receipt p99 ms  tx-start p99 ms  PG µs/row  path µs/row  "
          "others' cores  load avg  loader")
    for r in runs:
        lat, ld = r.get("latency_ms", {}), r["loader"]
        print(f"{r['build']:<6} {r['round']:>5}  {r['phase']:<10} {r['landed']:>7}  {lat.get('p50', 0):>7.1f}  "
              f"{lat.get('p99', 0):>7.1f}  {lat.get('max', 0):>7.1f}  {r.get('latency_to_receipt_p99_ms') or 0:>14.1f}  "
              f"{r.get('latency_to_tx_start_p99_ms') or 0:>15.1f}  "
              f"{r.get('postgres_us_per_row', 0):>9.2f}  {r.get('path_us_per_row', 0):>11.2f}  "
              f"{r['cpu']['foreign_cores'] if r['cpu']['foreign_cores'] is not None else '-':>13}  "
              f"{r['load_average'][0]:>8.2f}  {ld['cut_rows_mean']} rows/cut over {ld['cuts']} cuts, "
              f"{ld['copy_ms_mean']} ms/cut, busy {ld['copy_streams_busy_mean']}, streams {ld['copy_streams_active']}")
    print("disk settle before each phase (disk_settle.py): " + "; ".join(
        f"{r['build']} r{r['round']} {r['phase']} {describe_settle(r.get('disk_settle'))}" for r in runs))
    print("slowest transactions per run (rows, transaction start to commit ms, worst and best row's latency ms):")
    for r in runs:
        print(f"  {r['build']} r{r['round']} {r['phase']}: " + "; ".join(
            f"{t['rows']} rows, tx {t['tx_ms']}, {t['worst_ms']}..{t['best_ms']}, receipt {t.get('receipt_ms')}"
            for t in r.get("slowest_transactions", [])[:5]))
    for title, value in (("p99 ms", lambda r: r["latency_ms"]["p99"]), ("cuts", lambda r: r["loader"]["cuts"]),
                         ("PostgreSQL µs/row", lambda r: r.get("postgres_us_per_row", 0))):
        print(f"median {title} per phase and build (" + ", ".join(f"{label} = {path}" for label, path in builds) + "):")
        for name in names:
            cells = []
            for label, _ in builds:
                xs = [value(r) for r in runs if r["phase"] == name and r["build"] == label]
                if xs:
                    cells.append(f"{label} {statistics.median(xs):.1f} ({', '.join(f'{x:.1f}' for x in xs)})")
            print(f"  {name}: " + "; ".join(cells))
