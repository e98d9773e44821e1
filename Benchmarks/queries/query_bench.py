#!/usr/bin/env python3
"""The seed's query targets on a 10M-event / 100k-lead dataset: builds the dataset (SQL with
generate_series, then the rollups) and measures each query's p95 over repeated runs with
EXPLAIN (ANALYZE, TIMING OFF): planning + execution time as the server sees it, without the
client round trip. Run as a table owner (or superuser), i.e. without RLS in the way."""
import argparse, json, os, random, re, resource, subprocess, sys, textwrap, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from e2e import machine_busy, tree_cpu  # the same "others' cores" as run-e2e.sh reports


def log(msg):
    print(f"[queries {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def psql(url, sql=None, file=None, variables=(), timeout=7200):
    cmd = ["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", url]
    for k, v in variables:
        cmd += ["-v", f"{k}={v}"]
    cmd += ["-f", file] if file else ["-c", sql]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout).stdout.strip()


def build(url, events, leads, chunk, rollups, refusals):
    have_leads = int(psql(url, "SELECT count(*) FROM marketing.leads WHERE email LIKE 'lead%@company%.example.com'"))
    have_events = int(psql(url, "SELECT count(*) FROM analytics.events WHERE source_key = 'bench'"))
    timings = {}
    if have_leads < leads:
        log(f"loading {leads} leads and onboarding sessions")
        psql(url, "DELETE FROM onboarding.sessions WHERE session_token LIKE 'sess_bench_%'")
        psql(url, "DELETE FROM marketing.leads WHERE email LIKE 'lead%@company%.example.com'")
        t = time.time()
        psql(url, file=os.path.join(HERE, "dataset-leads.sql"), variables=[("leads", leads)])
        timings["leads_and_sessions_s"] = round(time.time() - t, 1)
    if have_events < events:
        log(f"loading {events} events in chunks of {chunk}")
        psql(url, "DELETE FROM analytics.events WHERE source_key = 'bench'")
        psql(url, "SELECT analytics.ensure_event_partitions(31, 7)")
        t = time.time()
        for start in range(1, events + 1, chunk):
            psql(url, file=os.path.join(HERE, "dataset-events.sql"),
                 variables=[("from", start), ("to", min(events, start + chunk - 1)), ("total", events)])
            log(f"  events {min(events, start + chunk - 1)}/{events} ({time.time() - t:.0f} s)")
        timings["events_s"] = round(time.time() - t, 1)
    timings.update(ensure_refusals(url, refusals))
    if have_events < events or int(psql(url, "SELECT count(*) FROM analytics.event_aggregations")) == 0:
        timings["rollups"] = build_rollups(url, events, rollups)
    log("VACUUM ANALYZE")
    t = time.time()
    tables = psql(url, "SELECT string_agg(t, ', ') FROM unnest(ARRAY['marketing.leads', 'onboarding.sessions', 'analytics.events', "
                       "'analytics.event_aggregations', 'analytics.metrics', 'analytics.event_hour_type_totals']) AS t "
                       "WHERE to_regclass(t) IS NOT NULL")
    psql(url, f"VACUUM (ANALYZE) {tables}")
    timings["vacuum_analyze_s"] = round(time.time() - t, 1)
    return timings


def ensure_refusals(url, refusals):
    """The console's refusals page reads analytics.rejected_events: `refusals` rows of its own
    (dataset-refusals.sql), loaded when fewer are there."""
    if int(psql(url, "SELECT count(*) FROM analytics.rejected_events WHERE source_key LIKE 'bench%'")) >= refusals:
        return {}
    log(f"loading {refusals} refusals")
    t = time.time()
    psql(url, file=os.path.join(HERE, "dataset-refusals.sql"), variables=[("refusals", refusals)])
    psql(url, "VACUUM (ANALYZE) analytics.rejected_events")
    return {"refusals_s": round(time.time() - t, 1)}


def build_rollups(url, events, mode):
    """Fills analytics.event_aggregations. `function`: the rollup builder this schema has,
    analytics.run_rollups() (rollup service migration) or process_pending_events() (004), which
    recompute every touched bucket; `backfill` (default above 1M events): rollups-backfill.sql, the
    same groups set-based, because process_pending_events() did not finish a 10M-event backfill in
    11 minutes here (it is built for incremental deltas)."""
    t = time.time()
    psql(url, "DELETE FROM analytics.event_aggregations")
    psql(url, "DELETE FROM eventd.rollup_state WHERE name = 'analytics.event_aggregations'")
    if mode == "auto":
        mode = "backfill" if events > 1_000_000 else "function"
    if mode == "backfill":
        log("building rollups with rollups-backfill.sql")
        psql(url, file=os.path.join(HERE, "rollups-backfill.sql"))
        fn, out = "rollups-backfill.sql (set-based equivalent of process_pending_events)", ""
    elif psql(url, "SELECT to_regproc('analytics.run_rollups') IS NOT NULL") == "t":
        fn = "analytics.run_rollups()"
    elif psql(url, "SELECT to_regproc('public.process_pending_events') IS NOT NULL") == "t":
        fn = "public.process_pending_events()"
    else:
        return {"function": None, "note": "no rollup function in this schema"}
    if mode != "backfill":
        log(f"building rollups with SELECT {fn}")
        out = psql(url, f"SELECT {fn}")
    rows = int(psql(url, "SELECT count(*) FROM analytics.event_aggregations"))
    return {"function": fn, "seconds": round(time.time() - t, 1), "result": out[:300], "aggregation_rows": rows}


def measure_rollup_runs(url, runs, batch):
    """The incremental cost of analytics.run_rollups() on this dataset: `runs` times, `batch` new
    events of the same mix stamped within the last minute (dataset-events.sql with n up to a
    total of 50M: n * 37 must stay an int), then one run; its own `ms` is the figure.
    One run first folds in whatever arrived since the last one (not counted)."""
    if runs == 0 or psql(url, "SELECT to_regproc('analytics.run_rollups') IS NOT NULL") != "t":
        return None
    psql(url, "SELECT analytics.run_rollups('15 minutes')")
    last, results = 50_000_000, []
    for _ in range(runs):
        psql(url, file=os.path.join(HERE, "dataset-events.sql"), variables=[("from", last - batch + 1), ("to", last), ("total", last)])
        results.append(json.loads(psql(url, "SELECT analytics.run_rollups('15 minutes')")))
    idle = json.loads(psql(url, "SELECT analytics.run_rollups('15 minutes')"))
    ms = sorted(r["ms"] for r in results)
    summary = {"runs": runs, "events_per_run": batch, "p50_ms": pct(ms, 50), "max_ms": ms[-1], "idle_ms": idle["ms"],
               "scopes": [r["scopes"] for r in results], "upserted": [r["upserted"] for r in results]}
    log(f"rollup run after {batch} new events: p50 {summary['p50_ms']} ms, max {summary['max_ms']} ms; idle {idle['ms']} ms")
    return summary


def postmaster_pid(url):
    """The server's postmaster pid from its data directory (needs a superuser and the same machine);
    None where that cannot be read: then "others' cores" is not reported."""
    try:
        with open(os.path.join(psql(url, "SHOW data_directory"), "postmaster.pid")) as f:
            return int(f.readline())
    except (OSError, ValueError, subprocess.CalledProcessError):
        return None


class Load:
    """What other processes used of the machine while a measurement ran, in cores: machine busy
    time minus PostgreSQL's (postmaster and backends) and ours (psql), over wall time."""
    def __init__(self, pg_pid):
        self.pg_pid = pg_pid

    def snapshot(self):
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.time(), machine_busy()[0], tree_cpu(self.pg_pid) or 0.0, usage.ru_utime + usage.ru_stime

    def others_cores(self, before):
        after = self.snapshot()
        wall, busy, pg, children = (a - b for a, b in zip(after, before))
        return round(max(0.0, busy - pg - children) / wall, 2) if self.pg_pid and wall > 0 else None


def queries(leads):
    pick = lambda: random.randint(1, leads)
    return [
        ("lead by email (normalised, as the unique index)", 1.0, 200,
         lambda: f"SELECT * FROM marketing.leads WHERE lower(btrim(email)) = lower(btrim('lead{(n := pick())}@company{n % 5000}.example.com'))"),
        ("lead by email (plain email = …)", 1.0, 200,
         lambda: f"SELECT * FROM marketing.leads WHERE email = 'lead{(n := pick())}@company{n % 5000}.example.com'"),
        ("onboarding progress by session token", 5.0, 200,
         lambda: f"SELECT current_step, status, progress_percentage, business_info_completed_at, whatsapp_connection_completed_at, "
                 f"bot_setup_completed_at, templates_completed_at, go_live_completed_at, last_activity_at "
                 f"FROM onboarding.sessions WHERE session_token = 'sess_bench_{pick()}'"),
        ("seed: lead conversion funnel (30 days)", 50.0, 30,
         lambda: "SELECT source, status, COUNT(*) AS count FROM marketing.leads WHERE created_at > NOW() - INTERVAL '30 days' GROUP BY source, status"),
        ("seed: onboarding drop-off (7 days)", 50.0, 30,
         lambda: "SELECT current_step, status, AVG(progress_percentage) AS avg_progress FROM onboarding.sessions "
                 "WHERE started_at > NOW() - INTERVAL '7 days' GROUP BY current_step, status"),
        ("seed: index health (public.index_usage_stats)", 50.0, 30,
         lambda: "SELECT * FROM public.index_usage_stats ORDER BY idx_scan DESC LIMIT 10"),
        # The dashboard queries of docs/operations.md, through the views users read.
        ("view: analytics.lead_funnel_30d", 50.0, 30,
         lambda: "SELECT source, status, count FROM analytics.lead_funnel_30d"),
        ("view: analytics.onboarding_dropoff_7d", 50.0, 30,
         lambda: "SELECT current_step, status, sessions, avg_progress FROM analytics.onboarding_dropoff_7d"),
        ("view: analytics.events_per_hour_by_type", 50.0, 30,
         lambda: "SELECT hour, type, events FROM analytics.events_per_hour_by_type ORDER BY hour, type"),
        # What that view computed up to 007: the hour rows of event_aggregations summed per type.
        ("events per hour by type, GROUP BY over event_aggregations hour rows", None, 30,
         lambda: "SELECT bucket_start, type, sum(event_count) AS events FROM analytics.event_aggregations "
                 "WHERE bucket_width = 'hour' AND bucket_start >= date_trunc('hour', now() - interval '30 days', 'UTC') "
                 "GROUP BY bucket_start, type ORDER BY bucket_start, type"),
        ("events per hour by type, last 30 days (raw events, for contrast)", None, 3,
         lambda: "SELECT date_trunc('hour', occurred_at) AS hour, type, count(*) FROM analytics.events "
                 "WHERE occurred_at >= now() - interval '30 days' GROUP BY 1, 2 ORDER BY 1, 2"),
    ]


def console_queries():
    """The web console's dashboard panels (issue #19: each page < 100 ms on this dataset), read from
    the very strings the daemon runs, Sources/EventdDaemon/Console/DashboardQueries.swift."""
    source = open(os.path.join(HERE, "..", "..", "Sources", "EventdDaemon", "Console", "DashboardQueries.swift")).read()
    found = re.findall(r'public static let (\w+) = """\n(.*?)\n\s*"""', source, re.S)
    assert len(found) >= 6, "DashboardQueries.swift changed shape: update console_queries()"
    return [(f"console: dashboards {name}", 100.0, 30, (lambda sql: lambda: sql)(textwrap.dedent(sql)))
            for name, sql in found]


def refusal_queries():
    """The web console's refusals page: RefusalQueries.swift's statements (the very strings the daemon
    runs), for the filter sets the page offers, with the parameters written in as literals (PostgreSQL
    plans the console's unnamed statements with their parameters' values, i.e. the same plan)."""
    source = open(os.path.join(HERE, "..", "..", "Sources", "EventdDaemon", "Console", "RefusalQueries.swift")).read()
    found = dict(re.findall(r'public static let (\w+) = """\n(.*?)\n\s*"""', source, re.S))
    assert {"counts", "samples"} <= found.keys(), "RefusalQueries.swift changed shape: update refusal_queries()"
    # (label, $1 interval, $2 reason, $3 source key, $4 bucket) as RefusalsPage.Filter makes them.
    filters = [("24h", "24 hours", None, None, "hour"), ("1h", "1 hour", None, None, "minute"),
               ("7d", "7 days", None, None, "hour"), ("24h reason", "24 hours", "malformed_json", None, "hour"),
               ("7d reason+source", "7 days", "too_deep", "bench-web", "hour")]
    literal = lambda v: "NULL" if v is None else "'" + v.replace("'", "''") + "'"
    out = []
    for name in ("counts", "samples"):
        for label, *values in filters:
            sql = re.sub(r"\$(\d)", lambda m: literal(values[int(m.group(1)) - 1]), textwrap.dedent(found[name]))
            out.append((f"console: refusals {name} ({label})", 100.0, 30, (lambda q: lambda: q)(sql)))
    return out


def measure(url, sql_fn, runs):
    script = "\n".join(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {sql_fn()};" for _ in range(runs + 3))
    out = psql(url, script)
    plans = json.loads("[" + out.replace("]\n[", "],[") + "]")
    times = [p[0]["Planning Time"] + p[0]["Execution Time"] for p in plans][3:]  # first 3 warm the cache
    first = plans[-1][0]["Plan"]
    return sorted(times), plan_summary(first)


def plan_summary(node):
    parts = []
    def walk(n):
        name = n["Node Type"] + (f" on {n['Relation Name']}" if "Relation Name" in n else "") + (f" using {n['Index Name']}" if "Index Name" in n else "")
        parts.append(name)
        for c in n.get("Plans", []):
            walk(c)
    walk(node)
    return " > ".join(parts[:6])


def pct(sorted_times, p):
    return sorted_times[min(len(sorted_times) - 1, int(round(p / 100 * (len(sorted_times) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--leads", type=int, default=100_000)
    ap.add_argument("--chunk", type=int, default=1_000_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--rollups", choices=["auto", "function", "backfill"], default="auto")
    ap.add_argument("--rollup-runs", type=int, default=5, help="incremental rollup runs to time (each adds --rollup-batch events)")
    ap.add_argument("--rollup-batch", type=int, default=1000)
    ap.add_argument("--refusals", type=int, default=100_000, help="rows of analytics.rejected_events (refusals page)")
    ap.add_argument("--console-only", action="store_true",
                    help="time only the web console's queries, on the database as it is (no build, no rollup runs)")
    args = ap.parse_args()
    if args.console_only:
        args.skip_build, args.rollup_runs = True, 0
    os.makedirs(args.out, exist_ok=True)
    random.seed(7)
    result = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "events": args.events, "leads": args.leads,
              "build": ensure_refusals(args.database_url, args.refusals) if args.skip_build else
                       build(args.database_url, args.events, args.leads, args.chunk, args.rollups, args.refusals),
              "counts": {t: int(psql(args.database_url, f"SELECT count(*) FROM {t}")) for t in
                         ("analytics.events", "marketing.leads", "onboarding.sessions", "analytics.event_aggregations",
                          "analytics.rejected_events")},
              "queries": []}
    load = Load(postmaster_pid(args.database_url))
    rows = [("query", "runs", "p50 ms", "p95 ms", "max ms", "target", "met", "others' cores", "plan")]
    for name, target, runs, fn in ([] if args.console_only else queries(args.leads)) + console_queries() + refusal_queries():
        before = load.snapshot()
        times, plan = measure(args.database_url, fn, runs)
        q = {"query": name, "runs": len(times), "p50_ms": round(pct(times, 50), 3), "p95_ms": round(pct(times, 95), 3),
             "max_ms": round(times[-1], 3), "target_ms": target, "met": (pct(times, 95) < target) if target else None,
             "others_cores": load.others_cores(before), "plan": plan, "example_sql": fn()}
        result["queries"].append(q)
        rows.append((name, str(q["runs"]), f"{q['p50_ms']:.3f}", f"{q['p95_ms']:.3f}", f"{q['max_ms']:.3f}",
                     f"< {target:g} ms" if target else "-", {True: "yes", False: "NO", None: "-"}[q["met"]],
                     "-" if q["others_cores"] is None else f"{q['others_cores']:.2f}", plan))
        log(f"{name}: p95 {q['p95_ms']:.3f} ms")
    before = load.snapshot()
    result["rollup_runs"] = measure_rollup_runs(args.database_url, args.rollup_runs, args.rollup_batch)
    if result["rollup_runs"]:
        result["rollup_runs"]["others_cores"] = load.others_cores(before)
    with open(os.path.join(args.out, "queries.json"), "w") as f:
        json.dump(result, f, indent=1)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for i, r in enumerate(rows):
        print("  ".join(v.ljust(widths[j]) for j, v in enumerate(r[:-1])) + "  " + r[-1])
        if i == 0:
            print("  ".join("-" * w for w in widths) + "  ----")
    if result["rollup_runs"]:
        r = result["rollup_runs"]
        print(f"analytics.run_rollups() after {r['events_per_run']} new events: p50 {r['p50_ms']} ms, max {r['max_ms']} ms "
              f"({r['runs']} runs); idle run {r['idle_ms']} ms; others' cores {r['others_cores']}")


if __name__ == "__main__":
    main()
