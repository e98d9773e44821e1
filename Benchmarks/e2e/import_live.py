#!/usr/bin/env python3
"""`eventd import` against the live path on the same rows (issue 19: import >= 0.9x live).

Called by `run-e2e.sh --import-vs-live [--count N]` once PostgreSQL is up and migrated.
1. Capture: the load generator sends N events (default 1M, 100-event native batch lines) to a plain
   socket here, which writes them to events.ndjson: the very bytes eventd would receive.
2. live: an eventd (default config, rollups off) is fed that file over 2 TCP connections flat out.
3. import: `eventd import --no-rollup` of the same file into the emptied table.
Both load the same texts through the same decoder, each with eventd's default `loader.copy_format`
(binary). Rates are rows committed per second from each row's commit timestamp (e2e.visibility: the
seconds inside the landing window), and the wall time of the whole import next to it.
"""
import json, os, socket, subprocess, threading, time

from e2e import Daemon, Pg, argument_parser, log, truncate, visibility, wait_drained


def capture(args, path):
    server = socket.create_server(("127.0.0.1", args.tcp_port))
    got = {}

    def receive():
        conn, _ = server.accept()
        with conn, open(path, "wb") as f:
            while chunk := conn.recv(1 << 20):
                f.write(chunk)
        got["done"] = True

    thread = threading.Thread(target=receive)
    thread.start()
    subprocess.run([args.loadgen, "send", "--transport", "tcp", "--target", f"127.0.0.1:{args.tcp_port}",
                    "--count", str(args.count), "--batch", "100", "--connections", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    thread.join(timeout=120)
    server.close()
    lines = sum(1 for _ in open(path, "rb"))
    log(f"captured {lines} lines of 100 events in {path} ({os.path.getsize(path) / 1e6:.0f} MB)")


def send_file(port, path, connections=2):
    with open(path, "rb") as f:
        lines = f.readlines()
    share = (len(lines) + connections - 1) // connections

    def send(part):
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"".join(part))

    threads = [threading.Thread(target=send, args=(lines[k * share:(k + 1) * share],)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    p = argument_parser()
    p.add_argument("--count", type=int, default=1_000_000)
    p.add_argument("--pg-pid", type=int, default=0)
    args = p.parse_args()
    args.tcp_port, args.udp_port, args.admin_port, args.http_port = (args.base_port + i for i in range(4))
    pg = Pg(args.database_url)
    args.commit_ts = pg.q("SHOW track_commit_timestamp") == "on"
    path = os.path.join(args.out, "events.ndjson")
    capture(args, path)
    results = {}
    try:
        for phase in ("live", "import", "live-2", "import-2"):  # ABAB: a drifting box favours neither
            truncate(pg)
            t0 = time.time()
            if phase.startswith("live"):
                daemon = Daemon(args, "postgres", http=False)
                daemon.start()
                try:
                    t0 = time.time()
                    send_file(args.tcp_port, path)
                    wait_drained(daemon, lambda m: True, timeout=600)
                finally:
                    daemon.stop()
            else:
                subprocess.run([args.eventd, "import", "--database-url", args.database_url, "--no-rollup", "--quiet",
                                path], check=True, stdout=subprocess.DEVNULL)
            wall = time.time() - t0
            v = visibility(pg, args.commit_ts)
            results[phase] = {"rows": v["landed"], "rows_per_s": v["sustained_rows_per_s"], "wall_s": round(wall, 1),
                              "wall_rows_per_s": round(v["landed"] / wall)}
            log(f"{phase}: {results[phase]}")
    finally:
        os.remove(path)
    live = (results["live"]["rows_per_s"] + results["live-2"]["rows_per_s"]) / 2
    imp = (results["import"]["rows_per_s"] + results["import-2"]["rows_per_s"]) / 2
    results["import_vs_live"] = round(imp / live, 3)
    with open(os.path.join(args.out, "import-live.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("| phase | rows | rows/s (commit timestamps) | wall s | rows/s (wall, incl. start and drain) |")
    print("|---|---|---|---|---|")
    for phase in ("live", "import", "live-2", "import-2"):
        r = results[phase]
        print(f"| {phase} | {r['rows']:,} | {r['rows_per_s']:,} | {r['wall_s']} | {r['wall_rows_per_s']:,} |")
    print(f"import ÷ live (means of the two runs each, commit-timestamp rates): {results['import_vs_live']} (issue 19 target ≥ 0.9)")


if __name__ == "__main__":
    main()
