#!/usr/bin/env python3
"""eventd end-to-end benchmark: phases, measurements, report (table + JSON + SVG chart).

Called by run-e2e.sh once PostgreSQL is up and migrated. Every phase starts from an empty
analytics.events, runs the load generator, waits until eventd has committed what it accepted, and
then asks PostgreSQL what landed and when: with track_commit_timestamp=on each row's commit time
(pg_xact_commit_timestamp(xmin)) is the moment it became visible, so "rows visible over time" and
"ingest -> visible latency" (commit time - properties.sent_ns) are exact and cost nothing while the
load runs. Without it the row's created_at (its transaction's start) is used instead, and said so.
"""
import argparse, json, os, re, resource, signal, subprocess, sys, threading, time, urllib.request

from chart import draw_chart
from disk_settle import describe as describe_settle, settle_disk

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def log(msg):
    print(f"[e2e {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Pg:
    def __init__(self, url):
        self.url = url

    def q(self, sql, timeout=600):
        out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-F", "\t", self.url, "-c", sql],
                             check=True, capture_output=True, text=True, timeout=timeout)
        return out.stdout.strip()

    def rows(self, sql):
        text = self.q(sql)
        return [line.split("\t") for line in text.splitlines()] if text else []


def proc_stat_fields(pid):
    """The fields of /proc/PID/stat after the command name (field 3 on, 0-based here), or None once the
    process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def proc_cpu(pid, reaped_children=False):
    """utime + stime of a process, in seconds; with `reaped_children`, plus the CPU of its children
    that have exited (cutime + cstime): a psql session's backend is gone before we can read it."""
    fields = proc_stat_fields(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLK_TCK


def proc_minor_faults(pid, reaped_children=False):
    """Minor page faults of a process (minflt); with `reaped_children`, plus those of its exited children
    (cminflt). A PostgreSQL backend faults when it maps a shared buffer for the first time, when the cluster
    touches a page of shared memory for the first time, and when it grows its private memory."""
    fields = proc_stat_fields(pid)
    if fields is None:
        return 0
    return int(fields[7]) + (int(fields[8]) if reaped_children else 0)


def proc_status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def tree_sum(root_pid, measure):
    """`measure` summed over a process, its exited children and its live children (PostgreSQL: the
    postmaster and its backends)."""
    if not root_pid:
        return None
    total = measure(root_pid, reaped_children=True)
    try:
        children = open(f"/proc/{root_pid}/task/{root_pid}/children").read().split()
    except FileNotFoundError:
        children = []
    for c in children:
        total += measure(int(c))
    return total


def tree_cpu(root_pid):
    """CPU seconds of a process and its children."""
    return tree_sum(root_pid, proc_cpu)


def machine_busy():
    """(busy, total) jiffies of the whole machine: to tell how much CPU others used meanwhile."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts) - idle) / CLK_TCK, sum(parts) / CLK_TCK


def udp_rcvbuf_errors():
    """Machine-wide UDP receive-buffer drops: every process's sockets, kept as a cross-check of eventd's
    own per-socket figure (eventd_udp_kernel_dropped_datagrams_total)."""
    with open("/proc/net/snmp") as f:
        lines = [l.split() for l in f if l.startswith("Udp:")]
    head, vals = lines[0], lines[1]
    d = dict(zip(head[1:], (int(v) for v in vals[1:])))
    return d.get("RcvbufErrors", 0), d.get("InErrors", 0)


METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eEInfa]+)')


class Daemon:
    def __init__(self, args, sink, http, copy_format=None, rollups=False, extra_config="", loader_connections=None,
                 eventd=None, log_level="warning"):
        self.args, self.sink, self.http, self.copy_format = args, sink, http, copy_format
        # Another build than --eventd (phases.py alternates two builds in one run).
        self.eventd, self.log_level = eventd or args.eventd, log_level
        # loader.connections: this daemon's own, else --loader-connections, else eventd's default.
        self.loader_connections = loader_connections or getattr(args, "loader_connections", None)
        self.rollups, self.extra_config = rollups, extra_config
        self.proc = None
        self.samples = []  # (t, rss_kb, committed)
        # (t, eventd_copy_streams_active, busy ratios summed over the streams, eventd_copy_waiting_ratio)
        self.streams = []
        self._stop = threading.Event()

    def start(self):
        a = self.args
        cmd = [self.eventd, "serve", "--database-url", a.database_url, "--tcp", f"127.0.0.1:{a.tcp_port}",
               "--udp", f"127.0.0.1:{a.udp_port}", "--admin", f"127.0.0.1:{a.admin_port}",
               "--log-level", self.log_level, "--sink", self.sink]
        # Default config, except: no rollups or maintenance unless asked for (they read analytics.events
        # every minute, which the `psql \copy` ceiling does not; sustained.py measures them), and
        # the HTTP source with an unlimited secret key when this eventd has one.
        config = os.path.join(a.out, f"eventd-bench-{self.sink}{'-' + self.copy_format if self.copy_format else ''}"
                                     f"{'-c' + str(self.loader_connections) if self.loader_connections else ''}"
                                     f"{'-rollups' if self.rollups else ''}.toml")
        with open(config, "w") as f:
            if not self.rollups:
                f.write('[rollup]\nenabled = false\n\n[maintenance]\nenabled = false\n\n')
            loader = ([f'copy_format = "{self.copy_format}"'] if self.copy_format else []) + \
                     ([f"connections = {self.loader_connections}"] if self.loader_connections else [])
            if loader:
                f.write("[loader]\n" + "\n".join(loader) + "\n\n")
            f.write(self.extra_config)
            if self.http:
                f.write(f'[sources.http]\nlisten = "127.0.0.1:{a.http_port}"\n\n'
                        f'[[sources.http.write_keys]]\nname = "bench"\nkey = "{a.write_key}"\nkind = "secret"\n\n'
                        '[sources.http.rate_limit]\nper_key_per_second = 0\nper_key_burst = 0\n'
                        'per_ip_per_second = 0\nper_ip_burst = 0\n')
        cmd += ["--config", config]
        if self.http:
            cmd += ["--http", f"127.0.0.1:{a.http_port}"]
        self.stderr = open(os.path.join(a.out, f"eventd-{self.sink}.log"), "a")
        self.proc = subprocess.Popen(cmd, stdout=self.stderr, stderr=self.stderr)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"eventd exited with {self.proc.returncode}; see {self.stderr.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{a.admin_port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except Exception:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("eventd did not become ready in 60 s")
        threading.Thread(target=self._sample, daemon=True).start()
        log(f"eventd started (pid {self.proc.pid}, sink {self.sink}, copy_format {self.copy_format or 'default'}, "
            f"loader.connections {self.loader_connections or 'default'})")

    def _sample(self):
        while not self._stop.is_set():
            try:
                m = self.metrics()
                committed = m.get("eventd_rows_committed_total", 0)
                self.streams.append((time.time(), m.get("eventd_copy_streams_active"),
                                     m.get("eventd_copy_stream_busy_ratio"), m.get("eventd_copy_waiting_ratio")))
            except Exception:
                committed = None
            self.samples.append((time.time(), proc_status_kb(self.proc.pid, "VmRSS"), committed))
            self._stop.wait(0.5)

    def metrics(self, timeout=10):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.args.admin_port}/metrics", timeout=timeout) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            m = METRIC_LINE.match(line)
            if m and not line.startswith("#"):
                name, labels, value = m.group(1), m.group(2) or "", float(m.group(3))
                out[name + labels] = out.get(name + labels, 0) + value
                if labels:
                    out[name] = out.get(name, 0) + value
        return out

    def cpu(self):
        return proc_cpu(self.proc.pid)

    def reset_peak_rss(self):
        """Resets VmHWM (Linux >= 4.0), so each phase reports its own peak."""
        try:
            with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass

    def peak_rss_kb(self):
        return proc_status_kb(self.proc.pid, "VmHWM")

    def stop(self):
        self._stop.set()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        log(f"eventd stopped (exit {self.proc.returncode})")


def snapshot(daemon, args):
    busy, total = machine_busy()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = daemon.metrics() if daemon else {}
    rcv, inerr = udp_rcvbuf_errors()
    return {
        "t": time.time(), "busy": busy, "total": total,
        "eventd_cpu": daemon.cpu() if daemon else 0.0,
        "pg_cpu": tree_cpu(args.pg_pid),
        "pg_minor_faults": tree_sum(args.pg_pid, proc_minor_faults),
        "children_cpu": usage.ru_utime + usage.ru_stime,
        "accepted": m.get("eventd_events_accepted_total", 0), "received": m.get("eventd_events_received_total", 0),
        "committed": m.get("eventd_rows_committed_total", 0), "dropped": m.get("eventd_events_dropped_total", 0),
        "dropped_ring_full": m.get('eventd_events_dropped_total{cause="ring_full"}', 0),
        "rejected": m.get("eventd_events_rejected_total", 0),
        # Datagrams the kernel dropped on eventd's own UDP socket, as eventd exports them.
        "udp_kernel_drops": m.get("eventd_udp_kernel_dropped_datagrams_total", 0),
        "udp_rcvbuf_errors": rcv, "udp_in_errors": inerr,
        # The loader's cuts: rows per COPY and COPY-to-COMMIT seconds (histogram sums and counts).
        "cut_rows_sum": m.get("eventd_copy_batch_rows_sum", 0), "cuts": m.get("eventd_copy_batch_rows_count", 0),
        "copy_s_sum": m.get("eventd_copy_duration_seconds_sum", 0), "copies": m.get("eventd_copy_duration_seconds_count", 0),
    }


def loader_report(daemon, before, after, t0, t1):
    """What the loader did during [t0, t1]: COPY streams in use and busy (summed over streams, i.e. in
    streams' worth), the share of the scaler's windows rows waited for a stream, mean rows per cut and mean
    COPY-to-COMMIT seconds per cut."""
    seen = [(a, b, w) for t, a, b, w in daemon.streams if t0 <= t <= t1 and a is not None]
    mean = lambda xs: round(sum(xs) / len(xs), 2) if xs else None
    cuts = after["cuts"] - before["cuts"]
    copies = after["copies"] - before["copies"]
    return {
        "copy_streams_active": {"max": max(a for a, _, _ in seen), "mean": mean([a for a, _, _ in seen])} if seen else None,
        "copy_streams_busy_mean": mean([b for _, b, _ in seen if b is not None]),
        "copy_waiting_ratio_mean": mean([w for _, _, w in seen if w is not None]),
        "cut_rows_mean": round((after["cut_rows_sum"] - before["cut_rows_sum"]) / cuts) if cuts else None,
        "cuts": int(cuts),
        "copy_ms_mean": round((after["copy_s_sum"] - before["copy_s_sum"]) / copies * 1000, 1) if copies else None,
    }


def cpu_report(before, after, daemon_running=True):
    wall = after["t"] - before["t"]
    d = {k: (after[k] - before[k]) if isinstance(after[k], (int, float)) and before[k] is not None else None
         for k in ("busy", "eventd_cpu", "pg_cpu", "children_cpu", "pg_minor_faults")}
    ours = (d["eventd_cpu"] or 0) + (d["pg_cpu"] or 0) + (d["children_cpu"] or 0)
    return {
        "wall_s": round(wall, 3),
        "eventd_cpu_s": round(d["eventd_cpu"], 3) if daemon_running else None,
        "postgres_cpu_s": round(d["pg_cpu"], 3) if d["pg_cpu"] is not None else None,
        "postgres_minor_faults": d["pg_minor_faults"],
        "loadgen_and_psql_cpu_s": round(d["children_cpu"], 3),
        "machine_busy_s": round(d["busy"], 3),
        # What other engineers' processes used meanwhile, in cores (the noise of this run).
        "foreign_cores": round(max(0.0, d["busy"] - ours) / wall, 2) if d["pg_cpu"] is not None and wall > 0 else None,
    }


def wait_drained(daemon, accepted_target_fn, timeout=120):
    """Waits until eventd has committed (or dropped) everything it accepted."""
    deadline = time.time() + timeout
    last, stable_since = None, time.time()
    while time.time() < deadline:
        m = daemon.metrics()
        done = m.get("eventd_rows_committed_total", 0) + m.get("eventd_events_dropped_total", 0)
        if done >= m.get("eventd_events_accepted_total", 0) and accepted_target_fn(m):
            return True
        if done != last:
            last, stable_since = done, time.time()
        elif time.time() - stable_since > 15:
            return False
        time.sleep(0.25)
    return False


def wait_kernel_drops_counted(daemon, timeout=15):
    """eventd reads its socket's kernel drop counter once a second: waits until a read after the last
    datagram has been published (the value holds still across more than one period)."""
    deadline = time.time() + timeout
    time.sleep(1.5)
    last = daemon.metrics().get("eventd_udp_kernel_dropped_datagrams_total", 0)
    while time.time() < deadline:
        time.sleep(1.2)
        now = daemon.metrics().get("eventd_udp_kernel_dropped_datagrams_total", 0)
        if now == last:
            return
        last = now


def visibility(pg, commit_ts):
    """Per-second landed rows and latency of what is in analytics.events now."""
    vis = "pg_xact_commit_timestamp(xmin)" if commit_ts else "created_at"
    lat = f"(extract(epoch FROM {vis}) * 1000 - (properties->>'sent_ns')::numeric / 1e6)"
    overall = pg.rows(f"""
        SELECT count(*), coalesce(extract(epoch FROM min(v)), 0), coalesce(extract(epoch FROM max(v)), 0),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY lat), percentile_disc(0.99) WITHIN GROUP (ORDER BY lat),
               max(lat), min(lat),
               percentile_disc(0.99) WITHIN GROUP (ORDER BY (extract(epoch FROM created_at) * 1000 - (properties->>'sent_ns')::numeric / 1e6)),
               percentile_disc(0.99) WITHIN GROUP (ORDER BY (extract(epoch FROM received_at) * 1000 - (properties->>'sent_ns')::numeric / 1e6))
        FROM (SELECT {vis} AS v, {lat} AS lat, created_at, received_at, properties FROM analytics.events) s""")[0]
    per_second = pg.rows(f"""
        SELECT floor(extract(epoch FROM v))::bigint, count(*),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY lat), percentile_disc(0.99) WITHIN GROUP (ORDER BY lat)
        FROM (SELECT {vis} AS v, {lat} AS lat FROM analytics.events) s GROUP BY 1 ORDER BY 1""")
    f = lambda x: float(x) if x not in ("", None) else None
    count = int(overall[0])
    series = [(int(s), int(n), f(p50), f(p99)) for s, n, p50, p99 in per_second]
    # Sustained rate: the seconds strictly inside the landing window (the first and last are partial).
    inner = series[1:-1] if len(series) > 2 else series
    sustained = sum(n for _, n, _, _ in inner) / max(1, len(inner)) if inner else 0
    span = f(overall[2]) - f(overall[1]) if count else 0
    return {
        "landed": count,
        "sustained_rows_per_s": round(sustained),
        "landing_span_s": round(span, 3),
        "latency_ms": {"p50": f(overall[3]), "p99": f(overall[4]), "max": f(overall[5]), "min": f(overall[6])},
        "latency_to_tx_start_p99_ms": f(overall[7]),
        # Send -> eventd's receipt (received_at, stamped per read or datagram): time in the sender's and
        # the kernel's socket buffers and in eventd's event loop before it read the bytes.
        "latency_to_receipt_p99_ms": f(overall[8]),
        "visibility_clock": "commit timestamp" if commit_ts else "created_at (transaction start)",
        "per_second": series,
    }


def cuts(pg, slowest=12):
    """The phase's cuts (transactions), from one pass over analytics.events:
    - `slowest`: the cuts that held the slowest rows: rows, transaction start to commit, the worst and best
      row's ingest -> visible latency, when it committed, and the longest any of its rows took from the
      sender to eventd's read (receipt_ms); the shape of a latency spike (one slow cut, or many queued
      ones), and (pg_trace.py) what PostgreSQL and the disk were doing at that moment;
    - `timeline`: every cut in commit order, [transaction start, commit (epoch s), rows, oldest row's receipt
      (epoch s)]: which cuts overlapped, and how long the rows of each waited in eventd before it."""
    since_send = lambda ts: f"(extract(epoch FROM {ts}) * 1000 - (properties->>'sent_ns')::numeric / 1e6)"
    lat = since_send("pg_xact_commit_timestamp(xmin)")
    rows = pg.rows(f"""
        SELECT count(*), round(extract(epoch FROM pg_xact_commit_timestamp(xmin) - min(created_at)) * 1000, 1),
               round(max({lat}), 1), round(min({lat}), 1), extract(epoch FROM pg_xact_commit_timestamp(xmin)),
               round(max({since_send("received_at")}), 1), max({lat}),
               extract(epoch FROM min(created_at)), extract(epoch FROM min(received_at))
        FROM analytics.events GROUP BY xmin""")
    worst_first = sorted(rows, key=lambda r: float(r[6]), reverse=True)[:slowest]
    return {
        "slowest": [{"rows": int(n), "tx_ms": float(t), "worst_ms": float(w), "best_ms": float(b),
                     "committed_at": float(c), "receipt_ms": float(r)} for n, t, w, b, c, r, *_ in worst_first],
        "timeline": [[round(float(a), 6), round(float(c), 6), int(n), round(float(r), 6)]
                     for n, _, _, _, c, _, _, a, r in sorted(rows, key=lambda r: float(r[4]))],
    }


def autovacuum_runs(pg):
    """Autovacuum and autoanalyze runs on analytics.* so far: they run while a phase loads (and count in
    its PostgreSQL CPU), but after a `psql \\copy` has committed, i.e. outside the ceiling's window."""
    return int(pg.q("SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_all_tables "
                    "WHERE schemaname = 'analytics'"))


def checkpoints(pg):
    """Checkpoints so far (timed and requested). Each phase starts right after an explicit CHECKPOINT;
    one that falls inside a phase ends with fsyncs that can hold up commits (a latency stall)."""
    return int(pg.q("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"))


def prewarm_shared_buffers(pg):
    """Touch every page of shared_buffers once, before the first phase. A cluster started seconds ago has
    never touched its shared memory: the first gigabyte written pays a page fault (and a zeroed page) per
    4 kB, and it is charged to whichever phase writes it first. In the standard run that is tcp-max, the
    phase the ceilings are compared with; the ceilings come after it and find the pages touched. A server
    that has been up for a while has touched them all. An INSERT (unlike COPY, it takes buffers without a
    bulk-write ring) into an unlogged table a little larger than shared_buffers, then DROP: its buffers go
    back to the free list, touched. Measured (RESULTS.md, "A faster box"): ~14 of tcp-max's ~290 faults per
    1,000 rows, and no change in the ratios; an option for that question, off by default."""
    pages = int(pg.q("SELECT setting FROM pg_settings WHERE name = 'shared_buffers'"))  # in 8 kB blocks
    pg.q("DROP TABLE IF EXISTS public.eventd_prewarm")
    pg.q("CREATE UNLOGGED TABLE public.eventd_prewarm (n int) WITH (fillfactor = 10, autovacuum_enabled = false)")
    t0 = time.time()
    # fillfactor 10 leaves ~20 four-byte rows per page: 24 rows per buffer fill a little more than all of them.
    pg.q(f"INSERT INTO public.eventd_prewarm SELECT generate_series(1, {pages * 24})")
    written = int(pg.q("SELECT pg_relation_size('public.eventd_prewarm') / 8192"))
    pg.q("DROP TABLE public.eventd_prewarm")
    pg.q("CHECKPOINT")
    log(f"prewarm: wrote {written:,} pages through shared_buffers ({pages:,} buffers) in {time.time() - t0:.1f} s")
    return {"shared_buffers_pages": pages, "pages_written": written}


def truncate(pg):
    pg.q("TRUNCATE analytics.events, analytics.rejected_events")
    pg.q("CHECKPOINT")


def loadgen(args, transport, extra, tag):
    out_json = os.path.join(args.out, f"loadgen-{tag}.json")
    port = {"tcp": args.tcp_port, "tcp-ack": args.tcp_port, "udp": args.udp_port, "http": args.http_port}[transport]
    cmd = [args.loadgen, "send", "--transport", transport, "--target", f"127.0.0.1:{port}", "--json", out_json,
           "--write-key", args.write_key] + extra
    log("loadgen " + " ".join(cmd[2:]))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=args.duration * 4 + 180)
    with open(out_json) as f:
        return json.load(f)


def phase_load(name, args, rate):
    """The transport and load-generator arguments of a standard phase; `rate` is the half-load rate."""
    D, B, C = str(args.duration), str(args.batch), str(args.connections)
    udp_batch = str(min(args.batch, 50))
    hb, hc = str(args.http_batch), str(args.http_connections)
    return {
        "tcp-max": ("tcp", ["--duration", D, "--batch", B, "--connections", C]),
        "tcp-half": ("tcp", ["--duration", D, "--batch", B, "--connections", C, "--rate", str(rate)]),
        # 64 lines of `batch` events in flight per connection.
        "tcp-ack-max": ("tcp-ack", ["--duration", D, "--batch", B, "--connections", C, "--window", "64"]),
        "udp-half": ("udp", ["--duration", D, "--batch", udp_batch, "--connections", "1", "--rate", str(rate)]),
        "udp-max": ("udp", ["--duration", D, "--batch", udp_batch, "--connections", C]),
        "http-max": ("http", ["--duration", D, "--batch", hb, "--connections", hc]),
        "http-half": ("http", ["--duration", D, "--batch", hb, "--connections", hc, "--rate", str(rate)]),
    }[name]


def run_load_phase(name, args, pg, daemon, transport, extra, wait_for_landing=True):
    truncate(pg)
    # The latency phases start once the disk no longer stalls fsyncs on the blocks just freed (disk_settle.py).
    # A smoke run (CI) waits at most 30 s: it checks the harness, not the disk.
    settle = (settle_disk(args.settle_dir, limit_s=30 if getattr(args, "smoke", False) else 120)
              if name.endswith("-half") and getattr(args, "settle_dir", None) else None)
    if settle:
        log(f"{name}: disk settled in {describe_settle(settle)}")
    daemon.reset_peak_rss()
    vacuums = autovacuum_runs(pg)
    checkpoints_before = checkpoints(pg)
    before = snapshot(daemon, args)
    sent = loadgen(args, transport, extra, name)
    drained = wait_drained(daemon, lambda m: True)
    if transport == "udp":
        wait_kernel_drops_counted(daemon)
    after = snapshot(daemon, args)
    result = {"phase": name, "transport": transport, "loadgen": {k: v for k, v in sent.items() if k != "sent_per_second"},
              "sent_per_second": sent["sent_per_second"], "started_at": sent["started_at_ns"] / 1e9,
              "drained": drained, "cpu": cpu_report(before, after),
              "autovacuum_runs_during_phase": autovacuum_runs(pg) - vacuums,
              "checkpoints_during_phase": checkpoints(pg) - checkpoints_before, "disk_settle": settle}
    counters = {k: after[k] - before[k] for k in ("received", "accepted", "committed", "dropped", "dropped_ring_full",
                                                   "rejected", "udp_kernel_drops", "udp_rcvbuf_errors", "udp_in_errors")}
    result["eventd_counters"] = counters
    result["loader"] = loader_report(daemon, before, after, sent["started_at_ns"] / 1e9,
                                     sent["started_at_ns"] / 1e9 + sent["elapsed_s"])
    result["copy_streams_active"] = result["loader"]["copy_streams_active"]
    if daemon.sink == "postgres":
        result.update(visibility(pg, args.commit_ts))
        if args.commit_ts:
            phase_cuts = cuts(pg)
            result["slowest_transactions"] = phase_cuts["slowest"]
            result["cut_timeline"] = phase_cuts["timeline"]
        landed = result["landed"]
    else:
        landed = int(counters["committed"])
        result["landed"] = landed
        span = after["t"] - before["t"]
        result["sustained_rows_per_s"] = round(sent["sent_events"] / sent["elapsed_s"]) if sent["elapsed_s"] else 0
    add_cpu_per_row(result, landed)
    cpu = result["cpu"]["eventd_cpu_s"]
    result["eventd_cpu_s_per_million"] = round(cpu / landed * 1e6, 2) if landed else None
    result["eventd_us_per_event"] = round(cpu / landed * 1e6, 3) if landed else None
    result["eventd_peak_rss_mb"] = round(daemon.peak_rss_kb() / 1024, 1)
    log(f"{name}: sent {sent['sent_events']} landed {landed} sustained {result.get('sustained_rows_per_s')} rows/s "
        f"p99 {result.get('latency_ms', {}).get('p99')} ms, eventd {result['eventd_us_per_event']} us/event, "
        f"loader {result['loader']}")
    return result


def ceiling(args, pg, tag, rows_file=None):
    truncate(pg)
    checkpoints_before = checkpoints(pg)
    before = snapshot(None, args)
    t0 = time.time()
    subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", args.database_url, "-c",
                    f"\\copy analytics.events ({args.columns}) FROM '{rows_file or args.rows_file}'"], check=True, timeout=3600)
    elapsed = time.time() - t0
    after = snapshot(None, args)
    landed = int(pg.q("SELECT count(*) FROM analytics.events"))
    rate = landed / elapsed
    log(f"{tag}: psql \\copy {landed} rows in {elapsed:.2f} s = {rate:.0f} rows/s")
    result = {"phase": tag, "landed": landed, "elapsed_s": round(elapsed, 3), "rows_per_s": round(rate),
              "started_at": t0, "cpu": cpu_report(before, after, daemon_running=False),
              "checkpoints_during_phase": checkpoints(pg) - checkpoints_before}
    add_cpu_per_row(result, landed)
    return result


CEILING_PARTS = 12  # divisible by 1, 2, 3 and 4: every stream count gets an equal share of the files
CEILING_STREAMS = (1, 2, 3, 4)
CEILING_FORMATS = ("text", "binary")


def ceiling_copy_format(files):
    """The COPY format of a ceiling's file set: "burst" files are the first rows only, in text."""
    return "text" if files == "burst" else files


def parallel_ceilings(args, pg):
    """The PostgreSQL ceiling: the very rows eventd stored in the phase before (at most --ceiling-rows),
    exported with `\\copy ... TO` in text and in binary as CEILING_PARTS files each, then loaded back by
    1-4 parallel psql sessions (session k runs `\\copy ... FROM` for parts k, k+n, ...), each format and
    stream count from an empty table, in the same run. The best of them is "the PostgreSQL ceiling"."""
    cols = args.columns
    pg.q("DROP TABLE IF EXISTS public.eventd_ceiling_rows")
    pg.q(f"CREATE UNLOGGED TABLE public.eventd_ceiling_rows AS SELECT {cols}, n % {CEILING_PARTS} AS part, n "
         f"FROM (SELECT {cols}, row_number() OVER () AS n FROM analytics.events LIMIT {args.ceiling_rows}) stored")
    stored = int(pg.q("SELECT count(*) FROM public.eventd_ceiling_rows"))
    burst = args.burst_ceiling_rows if args.burst_ceiling_rows and args.burst_ceiling_rows < stored else 0
    files = {}
    for fmt in CEILING_FORMATS + (("burst",) if burst else ()):
        for part in range(CEILING_PARTS):
            path = os.path.join(args.out, f"stored-{fmt}-{part}.copy")
            only = f" AND n <= {burst}" if fmt == "burst" else ""
            pg.q(f"\\copy (SELECT {cols} FROM public.eventd_ceiling_rows WHERE part = {part}{only}) TO '{path}' "
                 f"WITH (FORMAT {ceiling_copy_format(fmt)})")
            files[fmt, part] = path
    pg.q("DROP TABLE public.eventd_ceiling_rows")
    log(f"ceilings: exported {stored} stored rows as {CEILING_PARTS} text and {CEILING_PARTS} binary files")
    results = []
    try:
        runs = [(streams, fmt) for streams in CEILING_STREAMS for fmt in CEILING_FORMATS]
        for streams, fmt in runs + ([(None, "burst")] if burst else []):
            if fmt == "burst":
                # The first `burst` stored rows only, with the best text ceiling's stream count: the
                # same rows' cost in a short load into an empty table, beside the whole load's.
                streams = max((r for r in results if r["format"] == "text"), key=lambda r: r["rows_per_s"])["streams"]
            truncate(pg)
            checkpoints_before = checkpoints(pg)
            before = snapshot(None, args)
            t0 = time.time()
            procs = []
            for k in range(streams):
                cmd = ["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", args.database_url]
                for part in range(k, CEILING_PARTS, streams):
                    cmd += ["-c", f"\\copy analytics.events ({cols}) FROM '{files[fmt, part]}' "
                                  f"WITH (FORMAT {ceiling_copy_format(fmt)})"]
                procs.append(subprocess.Popen(cmd))
            for proc in procs:
                if proc.wait(timeout=3600) != 0:
                    raise SystemExit(f"psql \\copy ({fmt}, {streams} streams) failed")
            elapsed = time.time() - t0
            after = snapshot(None, args)
            landed = int(pg.q("SELECT count(*) FROM analytics.events"))
            # "burst-…" is not a "pg-…" ceiling: it never counts as the best.
            tag = f"burst-text-x{streams}-first{burst}" if fmt == "burst" else f"pg-{fmt}-x{streams}"
            log(f"{tag}: {streams} parallel psql \\copy ({fmt}) {landed} rows in {elapsed:.2f} s = {landed / elapsed:.0f} rows/s")
            result = {"phase": tag, "format": fmt, "streams": streams, "landed": landed, "elapsed_s": round(elapsed, 3),
                      "rows_per_s": round(landed / elapsed), "started_at": t0,
                      "cpu": cpu_report(before, after, daemon_running=False),
                      "checkpoints_during_phase": checkpoints(pg) - checkpoints_before}
            add_cpu_per_row(result, landed)
            results.append(result)
    finally:
        for path in files.values():
            os.remove(path)
    return results


def add_cpu_per_row(result, landed):
    """CPU microseconds per landed row: PostgreSQL's, and the whole path's (eventd + PostgreSQL, or
    psql + PostgreSQL for the ceiling; the load generator stands for the clients and is left out).
    On a shared machine wall-clock rates move with the neighbours; CPU per row barely does, and on a
    CPU-bound box capacity = cores / path CPU per row, so their ratio is the noise-robust comparison."""
    c = result["cpu"]
    if not landed or c["postgres_cpu_s"] is None:
        return
    sender = c["loadgen_and_psql_cpu_s"] if c["eventd_cpu_s"] is None else 0.0
    path = c["postgres_cpu_s"] + (c["eventd_cpu_s"] or 0.0) + sender
    result["postgres_us_per_row"] = round(c["postgres_cpu_s"] / landed * 1e6, 2)
    result["path_us_per_row"] = round(path / landed * 1e6, 2)
    if c.get("postgres_minor_faults") is not None:
        result["postgres_faults_per_1000_rows"] = round(c["postgres_minor_faults"] / landed * 1000, 1)


def argument_parser():
    """What run-e2e.sh passes to every script it hands over to (this one and backend_cpu.py)."""
    p = argparse.ArgumentParser()
    p.add_argument("--eventd", required=True)
    p.add_argument("--loadgen", required=True)
    p.add_argument("--database-url", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--base-port", type=int, default=55461)
    p.add_argument("--write-key", default="sk_bench_0123456789abcdef")
    return p


def main():
    p = argument_parser()
    p.add_argument("--pg-pid", type=int, default=0)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--duration", type=float, default=None, help="seconds per load phase")
    p.add_argument("--ceiling-rows", type=int, default=None)
    p.add_argument("--burst-ceiling-rows", type=int, default=None)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--connections", type=int, default=2)
    p.add_argument("--settings", default="")
    # loader.copy_format of the main daemon (unset: eventd's default); each of --compare-copy-formats gets
    # a tcp-max-<format> phase of its own right after the ceilings (same rows, same ceilings).
    p.add_argument("--copy-format", default=None, choices=["text", "binary"])
    p.add_argument("--compare-copy-formats", default="", help="comma-separated, e.g. text,binary")
    # loader.connections (the most COPY streams the adaptive loader may open; unset: eventd's default).
    p.add_argument("--loader-connections", type=int, default=None)
    # Each of --compare-loader-connections gets tcp-max-c<N> and http-max-c<N> phases of their own, right
    # after the ceilings (same rows, same ceilings), with an eventd whose loader.connections is N.
    p.add_argument("--compare-loader-connections", default="", help="comma-separated, e.g. 2,4")
    # Only tcp-max, the ceilings and the comparisons asked for (no tcp-half, ack, UDP, HTTP-half or null
    # sink): a short run that answers one question.
    p.add_argument("--compare-only", action="store_true")
    # Server-side Segment senders (analytics-node/-python/-go/-java) batch events up to Segment's 500 KB
    # request limit and flush several batches concurrently; 16 connections x 500 events (~210 KB bodies)
    # stand for a few app servers doing that (see Benchmarks/RESULTS.md).
    p.add_argument("--http-connections", type=int, default=16)
    p.add_argument("--http-batch", type=int, default=500)
    # Only the phases named (comma-separated, e.g. udp-half,tcp-half), with no ceilings, no tcp-max and no
    # null sink; the half-load phases at --half-rate events/s. With --alt-eventd, each of --rounds runs them
    # on both builds, in ABBA order (e2e/phases.py): a before/after in one run of a shared machine.
    p.add_argument("--phases", default="")
    p.add_argument("--half-rate", type=int, default=35_000)
    p.add_argument("--alt-eventd", default=None)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--eventd-log-level", default="warning")
    # Touch all of shared_buffers before the first phase (prewarm_shared_buffers), so no phase pays the
    # fresh cluster's first touches of its shared memory.
    p.add_argument("--pg-prewarm", action="store_true")
    # Start the half-load phases without waiting for the disk to stop stalling fsyncs (disk_settle.py).
    p.add_argument("--no-disk-settle", action="store_true")
    args = p.parse_args()
    args.duration = args.duration or (4 if args.smoke else 30)
    args.ceiling_rows = args.ceiling_rows or (20_000 if args.smoke else 1_000_000)
    args.tcp_port, args.udp_port, args.admin_port, args.http_port = (args.base_port + i for i in range(4))
    os.makedirs(args.out, exist_ok=True)
    pg = Pg(args.database_url)
    args.commit_ts = pg.q("SHOW track_commit_timestamp") == "on"
    # Probed beside the data directory of run-e2e.sh's fresh cluster (its mktemp directory). With
    # --database-url (no --pg-pid) the database's disk may not be this machine's: no settle.
    args.settle_dir = (os.path.dirname(pg.q("SHOW data_directory"))
                       if args.pg_pid and not args.no_disk_settle else None)
    args.columns = subprocess.run([args.loadgen, "rows", "--columns", "--out", "-"], check=True,
                                  capture_output=True, text=True).stdout.strip()
    help_text = subprocess.run([args.eventd, "serve", "--help"], capture_output=True, text=True).stdout
    http_available = re.search(r"--http <", help_text) is not None
    prewarm = prewarm_shared_buffers(pg) if args.pg_prewarm else None
    if args.phases:
        from phases import run_phases
        return run_phases(args, pg, http_available)
    D, B, C = args.duration, args.batch, args.connections
    results = {"mode": "smoke" if args.smoke else "full", "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
               "machine": machine_info(), "postgres": postgres_info(pg), "settings_file": args.settings,
               "duration_per_phase_s": D, "batch": B, "connections": C,
               "http_batch": args.http_batch, "http_connections": args.http_connections, "prewarm": prewarm,
               "phases": []}
    phases = results["phases"]

    # 1. The ceiling: psql \copy of the very rows eventd would COPY (eventd's own encoder made them).
    args.rows_file = os.path.join(args.out, "rows.copy")
    subprocess.run([args.loadgen, "rows", "--count", str(args.ceiling_rows), "--batch", str(B),
                    "--out", args.rows_file], check=True)
    phases.append(ceiling(args, pg, "ceiling"))
    if http_available:
        args.segment_rows_file = os.path.join(args.out, "rows-segment.copy")
        subprocess.run([args.loadgen, "rows", "--count", str(args.ceiling_rows), "--batch", str(args.http_batch),
                        "--shape", "segment", "--transport", "http", "--out", args.segment_rows_file], check=True)

    daemon = Daemon(args, "postgres", http_available, args.copy_format, log_level=args.eventd_log_level)
    daemon.start()
    try:
        # 2. TCP flat out (overload: PostgreSQL is the bottleneck, the ring fills, TCP backpressures).
        tcp_max = run_load_phase("tcp-max", args, pg, daemon, *phase_load("tcp-max", args, 0))
        phases.append(tcp_max)
        # 2b. The PostgreSQL ceiling: the rows tcp-max stored, loaded by 1-4 parallel psql, text and binary.
        phases.extend(parallel_ceilings(args, pg))
        # 2c. TCP flat out with each COPY format asked for (its own eventd, same settings otherwise).
        for fmt in [f for f in args.compare_copy_formats.split(",") if f]:
            daemon.stop()
            daemon = Daemon(args, "postgres", http_available, fmt, log_level=args.eventd_log_level)
            daemon.start()
            phases.append(run_load_phase(f"tcp-max-{fmt}", args, pg, daemon, *phase_load("tcp-max", args, 0)))
            daemon.stop()
            daemon = Daemon(args, "postgres", http_available, args.copy_format, log_level=args.eventd_log_level)
            daemon.start()
        # 2d. TCP (and HTTP) flat out with each loader.connections asked for, alternating, same rows.
        # A value may repeat (e.g. 2,4,4,2: ABBA order cancels a linear drift of the shared machine);
        # the second phase of a value is named ...-c<N>-r2.
        runs = {}
        for n in [int(c) for c in args.compare_loader_connections.split(",") if c]:
            runs[n] = runs.get(n, 0) + 1
            tag = f"c{n}" + (f"-r{runs[n]}" if runs[n] > 1 else "")
            daemon.stop()
            daemon = Daemon(args, "postgres", http_available, args.copy_format, loader_connections=n,
                            log_level=args.eventd_log_level)
            daemon.start()
            phases.append(run_load_phase(f"tcp-max-{tag}", args, pg, daemon, *phase_load("tcp-max", args, 0)))
            if http_available:
                phases.append(run_load_phase(f"http-max-{tag}", args, pg, daemon, *phase_load("http-max", args, 0)))
            daemon.stop()
            daemon = Daemon(args, "postgres", http_available, args.copy_format, log_level=args.eventd_log_level)
            daemon.start()
        if args.compare_only:
            results["postgres_sink_samples"] = [(round(t, 2), rss, c) for t, rss, c in daemon.samples]
            daemon.stop()
            summarize(results)
            with open(os.path.join(args.out, "results.json"), "w") as f:
                json.dump(results, f, indent=1)
            print_table(results)
            return
        half = max(1000, tcp_max["sustained_rows_per_s"] // 2)
        # 3. TCP at half of that: the latency target.
        phases.append(run_load_phase("tcp-half", args, pg, daemon, *phase_load("tcp-half", args, half)))
        # A second ceiling between the TCP phases: the machine is shared, so each ratio is also
        # reported against the ceiling measured nearest to it.
        phases.append(ceiling(args, pg, "ceiling-mid"))
        # 4. TCP with acks, flat out (64 lines of `batch` events in flight per connection).
        phases.append(run_load_phase("tcp-ack-max", args, pg, daemon, *phase_load("tcp-ack-max", args, half)))
        # 5. UDP at half of the TCP maximum (no loss expected), then flat out (losses, all counted?).
        phases.append(run_load_phase("udp-half", args, pg, daemon, *phase_load("udp-half", args, half)))
        phases.append(run_load_phase("udp-max", args, pg, daemon, *phase_load("udp-max", args, half)))
        # 6. HTTP (Segment /v1/batch), when this eventd has the HTTP source. Each request waits for its
        # commit (200 = committed); the loader's group commit takes all queued requests into the next
        # COPY. HTTP rows are Segment-shaped (no session_id, so one partial index less for PostgreSQL),
        # so their ceiling is `psql \copy` of Segment-shaped rows, measured right before.
        if http_available:
            phases.append(ceiling(args, pg, "ceiling-segment", args.segment_rows_file))
            phases.append(run_load_phase("http-max", args, pg, daemon, *phase_load("http-max", args, half)))
            phases.append(run_load_phase("http-half", args, pg, daemon, *phase_load("http-half", args, half)))
        else:
            results["http"] = "skipped: this eventd has no --http option (HTTP source not merged yet)"
            log(results["http"])
        results["postgres_sink_samples"] = [(round(t, 2), rss, c) for t, rss, c in daemon.samples]
    finally:
        daemon.stop()

    # 7. The ceiling again, to see how much the machine drifted during the run.
    if not args.smoke:
        phases.append(ceiling(args, pg, "ceiling-after"))

    # 8. Null sink: eventd's own CPU per event without PostgreSQL.
    null = Daemon(args, "null", False, log_level=args.eventd_log_level)
    null.start()
    try:
        phases.append(run_load_phase("null-sink-tcp", args, pg, null, "tcp",
                                     ["--duration", str(D), "--batch", str(B), "--connections", str(C)]))
    finally:
        null.stop()

    summarize(results)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    draw_chart(results, os.path.join(args.out, "e2e.svg"))
    print_table(results)
    log(f"wrote {args.out}/results.json and {args.out}/e2e.svg")


def summarize(results):
    by = {p["phase"]: p for p in results["phases"]}
    names = [k for k in ("ceiling", "ceiling-mid", "ceiling-after") if k in by]  # native rows
    ceilings = [by[k]["rows_per_s"] for k in names]
    c = sum(ceilings) / len(ceilings)
    s = {"ceiling_rows_per_s": round(c), "ceiling_runs": dict(zip(names, ceilings)),
         "ceiling_spread_pct": round(100 * (max(ceilings) - min(ceilings)) / c, 1) if len(ceilings) > 1 else None}
    path = [by[k]["path_us_per_row"] for k in names if "path_us_per_row" in by[k]]
    s["ceiling_path_us_per_row"] = round(sum(path) / len(path), 2) if path else None
    order = [p["phase"] for p in results["phases"]]
    # The PostgreSQL ceiling: the best of the parallel psql loads of eventd's stored rows (any format,
    # 1-4 streams); and the best in text, the format eventd sent before binary COPY.
    parallel = [p for p in results["phases"] if p["phase"].startswith("pg-")]
    if parallel:
        best = max(parallel, key=lambda p: p["rows_per_s"])
        best_text = max((p for p in parallel if p["format"] == "text"), key=lambda p: p["rows_per_s"])
        s["postgres_ceiling"] = {"phase": best["phase"], "rows_per_s": best["rows_per_s"]}
        s["best_text_ceiling"] = {"phase": best_text["phase"], "rows_per_s": best_text["rows_per_s"]}
        s["parallel_ceilings"] = {p["phase"]: p["rows_per_s"] for p in parallel}
    eventd_phases = [k for k in order if k.startswith(("tcp-max", "tcp-ack-max", "http-max"))]
    for name in eventd_phases:
            p = by[name]
            # The single-stream text ceiling measured nearest in time (before or after) to this phase.
            nearest = min(names, key=lambda k: abs(order.index(k) - order.index(name)))
            s[f"{name}_ratio_to_single_text_ceiling_mean"] = round(p["sustained_rows_per_s"] / c, 3)
            s[f"{name}_ratio_to_nearest_single_text_ceiling"] = round(p["sustained_rows_per_s"] / by[nearest]["rows_per_s"], 3)
            s[f"{name}_nearest_single_text_ceiling"] = nearest
            if parallel:
                s[f"{name}_ratio_to_postgres_ceiling"] = round(p["sustained_rows_per_s"] / best["rows_per_s"], 3)
                s[f"{name}_ratio_to_best_text_ceiling"] = round(p["sustained_rows_per_s"] / best_text["rows_per_s"], 3)
            if s["ceiling_path_us_per_row"] and p.get("path_us_per_row"):
                s[f"{name}_cpu_model_ratio"] = round(s["ceiling_path_us_per_row"] / p["path_us_per_row"], 3)
    if "http-max" in by and "ceiling-segment" in by:
        # Identical rows: Segment-shaped, as the HTTP phase sends them.
        p, seg = by["http-max"], by["ceiling-segment"]
        s["http-max_ratio_to_segment_ceiling"] = round(p["sustained_rows_per_s"] / seg["rows_per_s"], 3)
        if seg.get("path_us_per_row") and p.get("path_us_per_row"):
            s["http-max_cpu_model_ratio_segment"] = round(seg["path_us_per_row"] / p["path_us_per_row"], 3)
    for name in ("udp-half", "udp-max"):
        if name in by:
            p = by[name]
            sent, landed, ctr = p["loadgen"]["sent_events"], p["landed"], p["eventd_counters"]
            # The kernel counts datagrams; every datagram of a phase holds `batch` events. "unexplained"
            # comes from eventd's own metrics only: the events it dropped, and the datagrams the kernel
            # dropped on its socket. /proc/net/snmp's RcvbufErrors (machine-wide: other processes' sockets
            # too) is kept as a cross-check.
            per_datagram = p["loadgen"]["batch"]
            kernel = int(ctr["udp_kernel_drops"]) * per_datagram
            p["udp"] = {"sent": sent, "landed": landed, "lost": sent - landed,
                        "dropped_counted_by_eventd": int(ctr["dropped"]),
                        "not_received_by_eventd": int(sent - ctr["received"]),
                        "kernel_drops_datagrams": int(ctr["udp_kernel_drops"]),
                        "kernel_drops_events": kernel,
                        "snmp_rcvbuf_errors_datagrams": ctr["udp_rcvbuf_errors"],
                        "unexplained": int(sent - landed - ctr["dropped"] - kernel)}
    results["summary"] = s


def fmt(x, nd=0):
    if x is None:
        return "-"
    return f"{x:,.{nd}f}"


def print_table(results):
    s = results["summary"]
    pg_ceiling = s.get("postgres_ceiling", {}).get("rows_per_s")

    def vs_pg(rate):
        return f"{rate / pg_ceiling:.3f}" if pg_ceiling else "-"
    # "vs 1-stream text": against the mean single-stream text ceiling (continuity with earlier runs);
    # "vs PG ceiling": against the best parallel psql load of eventd's stored rows (s["postgres_ceiling"]).
    rows = [("phase", "sent", "landed", "rows/s", "vs 1-stream text", "vs PG ceiling", "p50 ms", "p99 ms", "max ms", "eventd µs/ev",
             "PG µs/row", "PG faults/1k rows", "path µs/row", "peak RSS MB", "others' cores")]
    for p in results["phases"]:
        if p["phase"].startswith(("ceiling", "pg-", "burst-")):
            rows.append((p["phase"], "-", fmt(p["landed"]), fmt(p["rows_per_s"]),
                         f'{p["rows_per_s"] / s["ceiling_rows_per_s"]:.3f}', vs_pg(p["rows_per_s"]), "-", "-", "-", "-",
                         fmt(p.get("postgres_us_per_row"), 2), fmt(p.get("postgres_faults_per_1000_rows"), 1),
                         fmt(p.get("path_us_per_row"), 2), "-", fmt(p["cpu"]["foreign_cores"], 2)))
            continue
        lat = p.get("latency_ms", {})
        rows.append((p["phase"], fmt(p["loadgen"]["sent_events"]), fmt(p["landed"]), fmt(p["sustained_rows_per_s"]),
                     f'{p["sustained_rows_per_s"] / s["ceiling_rows_per_s"]:.3f}', vs_pg(p["sustained_rows_per_s"]),
                     fmt(lat.get("p50"), 1),
                     fmt(lat.get("p99"), 1), fmt(lat.get("max"), 1), fmt(p["eventd_us_per_event"], 2),
                     fmt(p.get("postgres_us_per_row"), 2), fmt(p.get("postgres_faults_per_1000_rows"), 1),
                     fmt(p.get("path_us_per_row"), 2), fmt(p["eventd_peak_rss_mb"], 1), fmt(p["cpu"]["foreign_cores"], 2)))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print("  ".join(str(v).rjust(widths[j]) if j else str(v).ljust(widths[j]) for j, v in enumerate(r)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print("loader per phase (streams in use mean/max; busy = busy ratios summed over streams, in streams; "
          "waiting = share of the scaler's windows a cut waited for a stream; rows per cut; COPY-to-COMMIT ms per cut):")
    for p in results["phases"]:
        ld = p.get("loader")
        if ld:
            active = ld["copy_streams_active"] or {}
            print(f"  {p['phase']}: streams {fmt(active.get('mean'), 2)}/{fmt(active.get('max'))}, "
                  f"busy {fmt(ld['copy_streams_busy_mean'], 2)}, waiting {fmt(ld['copy_waiting_ratio_mean'], 2)}, "
                  f"{fmt(ld['cut_rows_mean'])} rows/cut over {fmt(ld['cuts'])} cuts, {fmt(ld['copy_ms_mean'], 1)} ms/cut")
    for p in results["phases"]:
        if "udp" in p:
            u = p["udp"]
            print(f"{p['phase']}: sent {u['sent']}, landed {u['landed']}, lost {u['lost']} = dropped by eventd "
                  f"{u['dropped_counted_by_eventd']} + kernel receive-buffer drops {u['kernel_drops_events']} "
                  f"({u['kernel_drops_datagrams']} datagrams, eventd_udp_kernel_dropped_datagrams_total) "
                  f"+ unexplained {u['unexplained']}; cross-check: /proc/net/snmp RcvbufErrors "
                  f"{u['snmp_rcvbuf_errors_datagrams']} datagrams machine-wide")
    vacuums = {p["phase"]: p["autovacuum_runs_during_phase"] for p in results["phases"] if p.get("autovacuum_runs_during_phase")}
    print(f"autovacuum/autoanalyze runs inside eventd phases (in their PG CPU; never in a ceiling's): {vacuums or 'none'}")
    settles = {p["phase"]: describe_settle(p["disk_settle"]) for p in results["phases"] if p.get("disk_settle")}
    print(f"disk settle before the latency phases (fdatasync probe beside the data directory): {settles or 'off'}")
    spans = {p["phase"]: p["checkpoints_during_phase"] for p in results["phases"] if p.get("checkpoints_during_phase")}
    print(f"checkpoints inside phases (each ends with fsyncs that can stall commits): {spans or 'none'}")
    if results.get("http"):
        print("http:", results["http"])
    print(f"single-stream text ceiling runs (psql \\copy of load-generator rows): {s['ceiling_runs']} rows/s "
          f"(spread {s['ceiling_spread_pct']}%); ceiling path CPU {s['ceiling_path_us_per_row']} µs/row")
    if "postgres_ceiling" in s:
        pc, bt = s["postgres_ceiling"], s["best_text_ceiling"]
        print(f"parallel psql \\copy of eventd's stored rows (pg-<format>-x<streams>): {s['parallel_ceilings']} rows/s")
        print(f"PostgreSQL ceiling = {pc['phase']} at {pc['rows_per_s']:,} rows/s; best text = {bt['phase']} at {bt['rows_per_s']:,} rows/s")
    for k, v in s.items():
        if "ratio" not in k:
            continue
        if k.endswith("_ratio_to_postgres_ceiling"):
            against = f"the PostgreSQL ceiling ({s['postgres_ceiling']['phase']})"
        elif k.endswith("_ratio_to_best_text_ceiling"):
            against = f"the best text ceiling ({s['best_text_ceiling']['phase']})"
        elif k.endswith("_ratio_to_nearest_single_text_ceiling"):
            against = f"the nearest single-stream text ceiling ({s[k.replace('_ratio_to_', '_')]})"
        elif k.endswith("_ratio_to_single_text_ceiling_mean"):
            against = "the mean single-stream text ceiling"
        elif "segment" in k:
            against = "the single-stream Segment-shaped text ceiling (ceiling-segment)"
        else:
            against = "the mean single-stream text ceiling's path CPU per row"
        print(f"{k}: {v}  (against {against})")


def machine_info():
    mem = open("/proc/meminfo").readline().split()[1]
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    return {"nproc": os.cpu_count(), "mem_gib": round(int(mem) / 1024 / 1024, 1), "cpu": model,
            "kernel": os.uname().release, "loadavg_at_start": open("/proc/loadavg").read().split()[:3]}


def postgres_info(pg):
    names = ["server_version", "synchronous_commit", "wal_compression", "max_wal_size", "checkpoint_timeout",
             "shared_buffers", "wal_buffers", "track_commit_timestamp", "fsync", "full_page_writes", "jit"]
    return {n: pg.q(f"SHOW {n}") for n in names}


if __name__ == "__main__":
    main()
