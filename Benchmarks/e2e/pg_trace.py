"""What a slow COMMIT waited on: the stalled seconds of the half-load phases, lined up with PostgreSQL's log
and the kernel's write-back.

    python3 pg_trace.py sample PGDIR > io-samples.tsv   # run-e2e.sh --pg-trace starts this beside the cluster
    python3 pg_trace.py report OUT                       # after the run: OUT holds results.json, postgres.log,
                                                         # io-samples.tsv

A half-load phase's p99 is set by its worst seconds (RESULTS.md, "after the scaler's return to two streams"):
in steady seconds the p99 is 5-24 ms, and one to three seconds per phase reach 55-180 ms. For each second
whose p99 is over twice the phase's median second, the report prints the slowest cuts that committed in it
(rows, transaction start -> commit, the worst row's ingest -> visible), PostgreSQL's log lines from that
second and the one before (slow statements, checkpoints, autovacuum), and the most the kernel held as
dirty and under write-back, the disk's queue and the WAL segment files in that window. A stall whose cut
spent its time inside the transaction is PostgreSQL's (its log and the disk say why); one whose rows
waited before their transaction began is eventd's queueing.
"""
import json, os, re, statistics, sys, time
from datetime import datetime


def disk_in_flight():
    """Requests in flight on the busiest whole disk (field 12 of /proc/diskstats)."""
    best = 0
    with open("/proc/diskstats") as f:
        for line in f:
            parts = line.split()
            if len(parts) > 11 and not parts[2].startswith(("loop", "ram")) and not parts[2][-1].isdigit():
                best = max(best, int(parts[11]))
    return best


def meminfo(keys=("Dirty", "Writeback")):
    out = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":", 1)
            if k in keys:
                out[k] = int(v.split()[0])
    return out


def cpu_ticks():
    """Cumulative iowait and steal ticks of all CPUs (/proc/stat): steal is time the host ran something else
    while this VM's CPUs had work, a stall no setting inside the box can prevent."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return int(fields[5]), int(fields[8])


def sample(pgdir, period=0.1):
    wal = os.path.join(pgdir, "data", "pg_wal")
    print("epoch\tdirty_kb\twriteback_kb\tdisk_in_flight\twal_files\tiowait_ticks\tsteal_ticks", flush=True)
    while True:
        m = meminfo()
        try:
            files = sum(1 for n in os.listdir(wal) if len(n) == 24)
        except OSError:
            files = -1
        iowait, steal = cpu_ticks()
        print(f"{time.time():.3f}\t{m.get('Dirty', 0)}\t{m.get('Writeback', 0)}\t{disk_in_flight()}\t{files}\t"
              f"{iowait}\t{steal}", flush=True)
        time.sleep(period)


LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\w+) ")


def log_lines(path):
    """(epoch, line) for each timestamped line of PostgreSQL's log (log_line_prefix '%m ...')."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        for line in f:
            m = LOG_TIME.match(line)
            if m:
                stamp = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
                # %m is the server's local time; this box (and CI) runs in UTC.
                epoch = (stamp - datetime(1970, 1, 1)).total_seconds()
                out.append((epoch, line.rstrip()[:220]))
    return out


def io_samples(path):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        next(f, None)
        for line in f:
            parts = line.split("\t")
            if len(parts) == 7:
                rows.append(tuple(float(p) for p in parts))
    return rows


def report(out):
    with open(os.path.join(out, "results.json")) as f:
        results = json.load(f)
    phases = results.get("runs") or results["phases"]  # --phases runs, or the standard run's phases
    logs = log_lines(os.path.join(out, "postgres.log"))
    samples = io_samples(os.path.join(out, "io-samples.tsv"))
    for phase in phases:
        if not isinstance(phase, dict) or not phase.get("phase", "").endswith("-half"):
            continue
        seconds = [s for s in phase.get("per_second", []) if s[3] is not None]
        if len(seconds) < 3:
            continue
        median = statistics.median(s[3] for s in seconds[1:-1])
        inside = [s for s in samples if seconds[0][0] <= s[0] < seconds[-1][0] + 1]
        ticks = (f"; iowait {inside[-1][5] - inside[0][5]:.0f}, steal {inside[-1][6] - inside[0][6]:.0f} ticks over the "
                 f"phase" if len(inside) > 1 else "")
        label = phase["phase"] + (f" (build {phase['build']}, round {phase['round']})" if "round" in phase else "")
        print(f"\n== {label}: p99 {phase.get('latency_ms', {}).get('p99')} ms, median second's p99 "
              f"{median:.1f} ms{ticks}")
        for second, rows, _, p99 in seconds:
            if p99 <= 2 * median:
                continue
            print(f"-- second {datetime.utcfromtimestamp(second):%H:%M:%S} ({rows} rows): p99 {p99:.1f} ms")
            for cut in phase.get("slowest_transactions", []):
                if second <= cut.get("committed_at", 0) < second + 1:
                    print(f"   cut: {cut['rows']} rows, transaction {cut['tx_ms']} ms, worst row {cut['worst_ms']} ms,"
                          f" committed {datetime.utcfromtimestamp(cut['committed_at']):%H:%M:%S.%f}"[:-3])
            window = [s for s in samples if second - 1 <= s[0] < second + 1]
            if window:
                print(f"   kernel (this second and the one before): dirty max {max(s[1] for s in window):,.0f} kB, "
                      f"writeback max {max(s[2] for s in window):,.0f} kB, disk in flight max "
                      f"{max(s[3] for s in window):.0f}, WAL files {min(s[4] for s in window):.0f}-"
                      f"{max(s[4] for s in window):.0f}, iowait {window[-1][5] - window[0][5]:.0f} and steal "
                      f"{window[-1][6] - window[0][6]:.0f} ticks (1/100 s, all CPUs)")
            for epoch, line in logs:
                if second - 1 <= epoch < second + 1:
                    print("   pg: " + line)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("sample", "report"):
        sys.exit(__doc__)
    (sample if sys.argv[1] == "sample" else report)(sys.argv[2])
