"""Failover run by pg_auto_failover, as an operator would deploy it: a monitor and two nodes, each a
`pg_autoctl` keeper supervising its PostgreSQL (synchronous replication while both are up; the primary
runs alone, `wait_primary`, while the other is away). Each fault: `kill -9` of a whole node — the
keeper and its PostgreSQL, as a machine that dies — the monitor promotes the other, and the dead node's
keeper is started again and rejoins as the secondary (pg_rewind). The monitor's health checks are
tightened from their defaults (a 20 s unhealthy timeout) to about 2 s, or ten failovers would take
minutes. Needs `pg_autoctl` (Debian: postgresql-15-auto-failover); by hand, not in the test command.
"""
import os
import shutil
import signal
import subprocess
import time

from failover import judge_resumption, wait_committed_ack
from harness import Run, migrate
from pgcluster import process_alive, all_pids, parent_pid, give_to_postgres

MONITOR_SETTINGS = {
    "pgautofailover.health_check_period": 1000, "pgautofailover.health_check_timeout": 1000,
    "pgautofailover.health_check_max_retries": 1, "pgautofailover.health_check_retry_delay": 500,
    "pgautofailover.node_considered_unhealthy_timeout": 2000, "pgautofailover.primary_demote_timeout": 2000,
}


class Keeper:
    """One `pg_autoctl` process tree (monitor or node), in its own session, with its own XDG folders."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.process = None

    def env(self):
        base = self.cluster.directory
        return [f"PATH={self.cluster.bin}:/usr/bin:/bin", f"XDG_CONFIG_HOME={base}/xdg-config",
                f"XDG_DATA_HOME={base}/xdg-data", f"XDG_RUNTIME_DIR={base}/xdg-run"]

    def words(self, *args):
        words = ["env"] + self.env() + ["pg_autoctl", *args]
        return ["runuser", "-u", "postgres", "--"] + words if os.getuid() == 0 else words

    def prepare(self):
        os.makedirs(self.cluster.directory, exist_ok=True)
        give_to_postgres(self.cluster.directory)
        return open(os.path.join(self.cluster.directory, "keeper.log"), "a")

    def spawn(self, *args):
        log = self.prepare()
        self.process = subprocess.Popen(self.words(*args), stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def run(self):
        self.spawn("run", "--pgdata", self.cluster.data)

    def kill9(self):
        """SIGKILL to the keeper's whole tree and its PostgreSQL; returns when the signals were sent."""
        if self.process is None:
            return time.monotonic()
        tree = descendants(self.process.pid) | {self.process.pid}
        pm = self.cluster.postmaster_pid()
        if pm:
            tree |= descendants(pm) | {pm}
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        killed = time.monotonic()
        self.process.wait()
        self.process = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(process_alive(p) for p in tree):
            time.sleep(0.02)
        # Dead processes may linger as zombies here; a rebooted machine would have none: drop pid files.
        for root, _, files in os.walk(self.cluster.directory):
            for f in files:
                if f in ("postmaster.pid", "pg_autoctl.pid") or f.startswith(".s.PGSQL."):
                    os.unlink(os.path.join(root, f))
        return killed


def descendants(pid):
    children = {}
    for p in all_pids():
        children.setdefault(parent_pid(p), []).append(p)
    found, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found


def node_states(monitor):
    out = monitor.psql("SELECT nodeport, reportedstate, goalstate FROM pgautofailover.node ORDER BY nodeport",
                       database="pg_auto_failover", check=False)
    return {int(p): (r, g) for p, r, g in (line.split("|") for line in out.splitlines() if line)}


def wait_states(monitor, want, timeout=60):
    """Waits until the monitor reports each port in `want` (port -> state) as reached and assigned."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = node_states(monitor)
        if all(states.get(port) == (state, state) for port, state in want.items()):
            return
        time.sleep(0.2)
    raise RuntimeError(f"pg_auto_failover did not reach {want} within {timeout} s: {node_states(monitor)}")


def autofailover(ctx, faults):
    if shutil.which("pg_autoctl") is None:
        raise RuntimeError("pg_autoctl is not installed (apt-get install postgresql-15-auto-failover)")
    with Run(ctx, "failover-autoctl", spool={"divert_after": "1s"}, clusters=3, from_template=False,
             interval=0.1, database_url=lambda cs: "postgresql://postgres@" + ",".join(c.host for c in cs[:2])
             + "/postgres?target_session_attrs=read-write") as run:
        a, b, mon = run.clusters
        keepers = {c.port: Keeper(c) for c in run.clusters}
        run.on_exit(lambda: [k.kill9() for k in keepers.values()])
        monitor = keepers[mon.port]
        with monitor.prepare() as log:
            subprocess.run(monitor.words("create", "monitor", "--pgdata", mon.data, "--pgport", str(mon.port),
                                         "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl"),
                           check=True, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        monitor.run()
        wait_ready(mon, "pg_auto_failover")
        for key, value in MONITOR_SETTINGS.items():
            mon.psql(f"ALTER SYSTEM SET {key} = {value}", database="pg_auto_failover")
        mon.psql("SELECT pg_reload_conf()", database="pg_auto_failover")
        uri = f"postgres://autoctl_node@127.0.0.1:{mon.port}/pg_auto_failover?sslmode=disable"
        for node in (a, b):
            keepers[node.port].spawn("create", "postgres", "--pgdata", node.data, "--pgport", str(node.port),
                                     "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl",
                                     "--monitor", uri, "--run")
            if node is a:
                wait_states(mon, {a.port: "single"}, 90)
                migrate(ctx.binary, a.url())
        wait_states(mon, {a.port: "primary", b.port: "secondary"}, 120)
        run.begin()
        primary, standby = a, b
        resumed, promoted_s, rejoined_s = [], [], []
        for _ in range(faults):
            run.pause(1.5, 2.5)
            killed = keepers[primary.port].kill9()
            run.faults += 1
            wait_states(mon, {standby.port: "wait_primary"}, 60)
            promoted_s.append(round(time.monotonic() - killed, 2))
            keepers[primary.port].run()
            primary, standby = standby, primary
            wait_states(mon, {primary.port: "primary", standby.port: "secondary"}, 90)
            rejoined_s.append(round(time.monotonic() - killed, 2))
            resumed.append(wait_committed_ack(run, killed))
        run.pause(1.0)
        result = run.finish(primary=primary)
        judge_resumption(result, resumed, gate=True)
        result.figures["monitor promoted the standby after (s)"] = promoted_s
        result.figures["killed node back as secondary after, max (s)"] = max(rejoined_s)
        return result


def wait_ready(cluster, database, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cluster.psql("SELECT 1", database=database, check=False).strip() == "1":
            return
        time.sleep(0.2)
    raise RuntimeError(f"{cluster.host} not ready within {timeout} s")
