#!/usr/bin/env python3
"""End-to-end rows/s per HTTP protocol against Segment's /v1/batch, in one run (issue 16: no
regression in end-to-end throughput, and what each vendor adapter costs on top).

Called by `run-e2e.sh --protocols [--duration S]` once PostgreSQL is up and migrated. One eventd
(default config, rollups and maintenance off, as in e2e.py) serves every phase; each phase starts
from an empty analytics.events and sends flat out for S seconds (default 20) with the load
generator's `--protocol` (route, body and event shape as that vendor's client writes them), all
with the same batch size and connections (`--http-batch`, default 50 — Mixpanel's /track limit —
and `--http-connections`, default 16), so the difference is the adapter's work, not the batching.
Segment runs first and last: their mean is the reference, their spread the machine's drift.
Writes protocols.json and prints the table (landed rows/s, ratio to Segment, eventd µs/event).
"""
import json, os

from e2e import Daemon, Pg, argument_parser, log, run_load_phase

PROTOCOLS = ["segment", "native", "posthog-batch", "posthog-e", "mixpanel-import", "mixpanel-track", "snowplow", "segment"]


def main():
    p = argument_parser()
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--http-batch", type=int, default=50)
    p.add_argument("--http-connections", type=int, default=16)
    p.add_argument("--pg-pid", type=int, default=0)
    p.add_argument("--protocols", default=",".join(PROTOCOLS))
    args = p.parse_args()
    args.tcp_port, args.udp_port, args.admin_port, args.http_port = (args.base_port + i for i in range(4))
    args.commit_ts = False
    os.makedirs(args.out, exist_ok=True)
    pg = Pg(args.database_url)
    args.commit_ts = pg.q("SHOW track_commit_timestamp") == "on"
    daemon = Daemon(args, "postgres", True)
    daemon.start()
    phases = []
    try:
        for i, name in enumerate(args.protocols.split(",")):
            extra = ["--protocol", name, "--duration", str(args.duration), "--batch", str(args.http_batch),
                     "--connections", str(args.http_connections)]
            result = run_load_phase(f"{i + 1}-{name}", args, pg, daemon, "http", extra)
            result["protocol"] = name
            result["refused_rows"] = int(pg.q("SELECT count(*) FROM analytics.rejected_events"))
            phases.append(result)
    finally:
        daemon.stop()
    segment = [r["sustained_rows_per_s"] for r in phases if r["protocol"] == "segment"]
    reference = sum(segment) / len(segment) if segment else 0
    rows = [("phase", "sent", "landed", "refused", "rows/s", "× segment", "eventd µs/event", "http status", "foreign cores")]
    for r in phases:
        r["ratio_to_segment"] = round(r["sustained_rows_per_s"] / reference, 3) if reference else None
        status = ",".join(f"{k}:{v}" for k, v in sorted(r["loadgen"].get("http_status", {}).items()))
        rows.append((r["phase"], str(r["loadgen"]["sent_events"]), str(r["landed"]), str(r["refused_rows"]),
                     str(r["sustained_rows_per_s"]), f"{r['ratio_to_segment']:.3f}" if reference else "-",
                     str(r["eventd_us_per_event"]), status, str(r["cpu"].get("foreign_cores"))))
    summary = {"batch": args.http_batch, "connections": args.http_connections, "duration_s": args.duration,
               "segment_reference_rows_per_s": reference, "segment_runs": segment, "phases": phases}
    with open(os.path.join(args.out, "protocols.json"), "w") as f:
        json.dump(summary, f, indent=1)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(v.ljust(widths[j]) for j, v in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"Segment reference: mean of {segment} rows/s (first and last phase)")


if __name__ == "__main__":
    main()
