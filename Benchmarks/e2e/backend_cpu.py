#!/usr/bin/env python3
"""Where PostgreSQL's time goes: backend CPU per 1,000 rows for eventd's COPY and for `psql \\copy`,
in text and in binary, with every index of analytics.events and without each one in turn.

Called by `run-e2e.sh --backend-cpu` once PostgreSQL is up and migrated. CPU is the backends' own
utime + stime from /proc/<pid>/stat (pids from pg_stat_activity, read while the session is open), so
it is PostgreSQL's work for the rows and nothing else's: other programs on a shared machine slow the
wall clock but barely move it. Each measurement starts from an empty analytics.events.
  psql-<format>:   one psql session, `\\copy analytics.events FROM` a file of the rows (exported from what
                   eventd stored, in that format);
  eventd-<format>: eventd with loader.copy_format = <format>, fed --rows events over TCP by the load
                   generator; every backend named "eventd" in pg_stat_activity counts.
"""
import json, os, subprocess, time

from e2e import Daemon, Pg, argument_parser, log, loadgen, machine_info, proc_cpu, truncate, wait_drained


def backend_cpu(pids):
    return sum(proc_cpu(p) for p in pids)


def eventd_backends(pg):
    return [int(r[0]) for r in pg.rows("SELECT pid FROM pg_stat_activity WHERE application_name = 'eventd' "
                                       "AND backend_type = 'client backend'")]


def psql_copy(args, fmt, path):
    """Backend CPU seconds of one psql session's `\\copy ... FROM path`."""
    proc = subprocess.Popen(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", args.database_url], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, bufsize=1)
    proc.stdin.write("SELECT pg_backend_pid();\n")
    pid = int(proc.stdout.readline())
    before = proc_cpu(pid)
    proc.stdin.write(f"\\copy analytics.events ({args.columns}) FROM '{path}' WITH (FORMAT {fmt})\nSELECT 'copied';\n")
    line = proc.stdout.readline().strip()
    if line != "copied":
        raise SystemExit(f"psql \\copy ({fmt}) failed: {line!r}")
    cpu = proc_cpu(pid) - before
    proc.stdin.write("\\q\n")
    proc.wait(timeout=60)
    return cpu


def eventd_copy(args, pg, daemon):
    pids = eventd_backends(pg)
    before = backend_cpu(pids)
    loadgen(args, "tcp", ["--count", str(args.rows), "--batch", "100", "--connections", "2"], "backend-cpu")
    wait_drained(daemon, lambda m: True)
    pids_after = eventd_backends(pg)
    if set(pids_after) != set(pids):
        log(f"eventd's backends changed during the load ({pids} -> {pids_after}); CPU of new ones counted from 0")
    return backend_cpu(pids_after) - before


def indexes(pg):
    """(name, definition) of each index on analytics.events (the partitioned parent's, which its
    partitions' indexes hang off), the primary key's constraint marked."""
    rows = pg.rows("SELECT i.relname, pg_get_indexdef(i.oid), coalesce(c.conname, '-') FROM pg_index x "
                   "JOIN pg_class i ON i.oid = x.indexrelid LEFT JOIN pg_constraint c ON c.conindid = i.oid "
                   "WHERE x.indrelid = 'analytics.events'::regclass ORDER BY 1")
    return [(name, definition, "" if constraint == "-" else constraint) for name, definition, constraint in rows]


def drop_index(pg, name, constraint):
    if constraint:
        pg.q(f"ALTER TABLE analytics.events DROP CONSTRAINT {constraint}")
    else:
        pg.q(f"DROP INDEX analytics.{name}")


def restore_index(pg, name, definition, constraint):
    if constraint:
        pg.q(f"ALTER TABLE analytics.events ADD CONSTRAINT {constraint} PRIMARY KEY (event_id, original_timestamp)")
    else:
        pg.q(definition)


def main():
    p = argument_parser()
    p.add_argument("--rows", type=int, default=100_000)
    args, _ = p.parse_known_args()
    args.tcp_port, args.udp_port, args.admin_port, args.http_port = (args.base_port + i for i in range(4))
    args.duration = 30
    os.makedirs(args.out, exist_ok=True)
    pg = Pg(args.database_url)
    args.columns = subprocess.run([args.loadgen, "rows", "--columns", "--out", "-"], check=True,
                                  capture_output=True, text=True).stdout.strip()
    all_indexes = indexes(pg)
    # (label, the indexes dropped for it)
    variants = ([("all indexes", [])] + [(f"without {name}", [(name, d, c)]) for name, d, c in all_indexes]
                + [("no index at all", list(all_indexes))])
    formats = ("text", "binary")
    table = {}

    # The rows: what eventd stores for the load generator's events, exported once per format.
    files = {}
    daemons = {}
    try:
        for fmt in formats:
            daemon = Daemon(args, "postgres", False, fmt)
            daemon.start()
            daemons[fmt] = daemon
            for label, index in variants:
                truncate(pg)
                for name, _, constraint in index:
                    drop_index(pg, name, constraint)
                try:
                    cpu = eventd_copy(args, pg, daemon)
                    landed = int(pg.q("SELECT count(*) FROM analytics.events"))
                    if not files:
                        for f in formats:
                            files[f] = os.path.join(args.out, f"backend-cpu-rows.{f}")
                            pg.q(f"\\copy (SELECT {args.columns} FROM analytics.events) TO '{files[f]}' WITH (FORMAT {f})")
                        exported = landed
                    table.setdefault(label, {})[f"eventd-{fmt}"] = round(cpu / landed * 1e6, 1)  # ms per 1,000 rows = µs/row
                    log(f"{label}: eventd-{fmt} {cpu:.2f} s backend CPU for {landed} rows")
                finally:
                    for dropped in index:
                        restore_index(pg, *dropped)
            daemon.stop()
            del daemons[fmt]
        for fmt in formats:
            for label, index in variants:
                truncate(pg)
                for name, _, constraint in index:
                    drop_index(pg, name, constraint)
                try:
                    cpu = psql_copy(args, fmt, files[fmt])
                    landed = int(pg.q("SELECT count(*) FROM analytics.events"))
                    table[label][f"psql-{fmt}"] = round(cpu / landed * 1e6, 1)
                    log(f"{label}: psql-{fmt} {cpu:.2f} s backend CPU for {landed} rows")
                finally:
                    for dropped in index:
                        restore_index(pg, *dropped)
    finally:
        for d in daemons.values():
            d.stop()
        for path in files.values():
            if os.path.exists(path):
                os.remove(path)

    columns = [f"{who}-{fmt}" for who in ("eventd", "psql") for fmt in formats]
    result = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine_info(), "rows": args.rows,
              "exported_rows": exported, "unit": "PostgreSQL backend CPU ms per 1,000 rows", "table": table,
              "indexes": {name: d for name, d, _ in all_indexes}}
    with open(os.path.join(args.out, "backend-cpu.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(f"PostgreSQL backend CPU, ms per 1,000 rows ({args.rows} rows each; utime+stime of the backends)")
    print("| analytics.events | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for label, _ in variants:
        print(f"| {label} | " + " | ".join(f"{table[label].get(c, '-')}" for c in columns) + " |")


if __name__ == "__main__":
    main()
