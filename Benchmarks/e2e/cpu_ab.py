#!/usr/bin/env python3
"""eventd's own CPU per event, two or more builds alternating in one run (A/B on a noisy box).

Each round starts every build in turn as `eventd serve --sink null` (rollups and maintenance off; the
null sink counts rows as committed and stores nothing), sends the same events with eventd-loadgen,
waits until `eventd_rows_committed_total` has counted them all, and divides eventd's utime + stime
(`/proc/<pid>/stat`) by the events. The builds alternate within each round, so a busy neighbour
weighs on all of them alike: compare the medians, not the figures of other runs.

    Benchmarks/e2e/cpu_ab.py --build old=/path/to/eventd --build new=.build/release/eventd \\
        --loadgen Benchmarks/.build/release/eventd-loadgen \\
        --database-url postgresql://postgres@127.0.0.1:54329/postgres --transport tcp --count 600000 --rounds 3
"""
import argparse
import socket
import statistics
import sys
import tempfile
import time
import types
import subprocess

from e2e import Daemon  # the harness's own eventd runner: the same config as its null-sink phase


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(binary, args, workdir):
    ports = types.SimpleNamespace(eventd=binary, database_url=args.database_url, out=workdir,
                                  write_key=args.write_key, tcp_port=free_port(), udp_port=free_port(),
                                  http_port=free_port(), admin_port=free_port())
    daemon = Daemon(ports, "null", True)
    daemon.start()
    try:
        before = daemon.cpu()
        start = daemon.metrics().get("eventd_rows_committed_total", 0)
        port = ports.tcp_port if args.transport == "tcp" else ports.http_port
        subprocess.run([args.loadgen, "send", "--transport", args.transport, "--target", f"127.0.0.1:{port}",
                        "--count", str(args.count), "--batch", str(args.batch),
                        "--connections", str(args.connections), "--write-key", args.write_key],
                       check=True, stdout=subprocess.DEVNULL)
        deadline = time.time() + 120
        while daemon.metrics().get("eventd_rows_committed_total", 0) - start < args.count:
            if time.time() > deadline:
                sys.exit(f"{binary}: not every event was counted within 120 s")
            time.sleep(0.1)
        return (daemon.cpu() - before) * 1e6 / args.count
    finally:
        daemon.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", action="append", required=True, metavar="NAME=PATH", help="an eventd binary (repeat)")
    p.add_argument("--loadgen", required=True)
    p.add_argument("--database-url", required=True, help="any reachable PostgreSQL (the null sink stores nothing)")
    p.add_argument("--transport", choices=["tcp", "http"], default="tcp")
    p.add_argument("--count", type=int, default=600_000)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--connections", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--write-key", default="sk_bench_0123456789abcdef")
    args = p.parse_args()
    builds = [b.split("=", 1) for b in args.build]
    results = {name: [] for name, _ in builds}
    with tempfile.TemporaryDirectory(prefix="eventd-cpu-ab-") as workdir:
        for round in range(1, args.rounds + 1):
            for name, binary in builds:
                us = measure(binary, args, workdir)
                results[name].append(us)
                print(f"round {round} {name}: {us:.3f} µs/event ({args.transport}, {args.count} events)", flush=True)
    first = statistics.median(results[builds[0][0]])
    for name, _ in builds:
        median = statistics.median(results[name])
        print(f"{name}: median {median:.3f} µs/event ({median / first:.2f}× {builds[0][0]})")


if __name__ == "__main__":
    main()
