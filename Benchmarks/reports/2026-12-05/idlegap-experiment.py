# One diagnostic of 2026-12-05 (RESULTS.md, "A faster box"): run by a copy of run-e2e.sh whose last line calls
# this file instead of e2e/e2e.py. Not part of the harness.
"""tcp-max, an idle gap, tcp-half on one daemon: is tcp-half's p99 after the ceilings eventd's idle state?"""
import sys, time, json
sys.path.insert(0, "/work/main/Benchmarks/e2e")
import e2e
from e2e import Daemon, Pg, phase_load, run_load_phase
p = e2e.argument_parser()
p.add_argument("--pg-pid", type=int, default=0)
p.add_argument("--gap", type=float, default=75)
p.add_argument("--rounds", type=int, default=2)
a, rest = p.parse_known_args()
a.duration, a.batch, a.connections, a.http_batch, a.http_connections = 10, 100, 2, 500, 16
a.tcp_port, a.udp_port, a.admin_port, a.http_port = (a.base_port + i for i in range(4))
pg = Pg(a.database_url); a.commit_ts = True
runs = []
for r in range(a.rounds):
    d = Daemon(a, "postgres", True, None); d.start()
    try:
        runs.append(run_load_phase("tcp-max", a, pg, d, *phase_load("tcp-max", a, 0)))
        e2e.log(f"idle {a.gap} s"); time.sleep(a.gap)
        runs.append(run_load_phase("tcp-half", a, pg, d, *phase_load("tcp-half", a, 55000)))
    finally:
        d.stop()
for x in runs:
    print(x["phase"], x["latency_ms"]["p99"], x["loader"]["copy_streams_active"], x.get("postgres_faults_per_1000_rows"),
          [(t["rows"], t["tx_ms"], t["worst_ms"]) for t in x.get("slowest_transactions", [])[:4]])
json.dump(runs, open(a.out + "/idlegap.json", "w"))
