"""Failover: a primary and a streaming standby built on loopback (pg_basebackup), eventd given both in
libpq's multi-host form with `target_session_attrs=read-write`. Each fault: `kill -9` of the primary
under load, `pg_ctl promote` of the standby, then the old primary rebuilt as the new standby
(pg_basebackup; pg_rewind would copy less, but a rewound, killed primary did not come back as a
standby reliably here). The next kill waits until the standby streams again (and, when synchronous, is
the synchronous one).

synchronous:  `synchronous_standby_names = '*'` — a COMMIT returns only once the standby has the WAL, so
              a failover loses nothing acknowledged. Gated on lost = 0 and writes resuming within 10 s.
              While the old primary is being rebuilt the new one runs alone with synchronous replication
              off, as pg_auto_failover's `wait_primary` does: writes continue, and are on one node only
              until the standby is back (the figure "alone (s)").
asynchronous: the default — a COMMIT returns before the standby has the WAL; the scenario measures how
              many acknowledged events a failover loses, and is gated only on duplicated and unexpected.

Standbys stream through a LagProxy that delays every byte by `lag` seconds each way (default 20 ms, as
between zones): on bare loopback an asynchronous standby is never far enough behind to lose anything.
"""
import time

from harness import Run
from lagproxy import LagProxy

LAG = 0.02


def failover(ctx, faults, synchronous, blackhole=False):
    name = "failover-blackhole" if blackhole else ("failover-sync" if synchronous else "failover-async")
    # A slower send rate than elsewhere: every rebuild copies the whole database, and it grows.
    with Run(ctx, name, spool={"divert_after": "1s"}, clusters=2, interval=0.1,
             database_url=lambda cs: "postgresql://postgres@" + ",".join(c.host for c in cs)
             + "/postgres?target_session_attrs=read-write") as run:
        primary, standby = run.clusters
        proxies = []
        for cluster in run.clusters:
            if LAG > 0:
                proxies.append(LagProxy(cluster.port, LAG))
                cluster.replication_port = proxies[-1].port
        front = {}
        if blackhole:   # eventd reaches each server through a proxy that can turn into a black hole
            front = {c.port: LagProxy(c.port, 0) for c in run.clusters}
            proxies.extend(front.values())
            run.eventd.set_database_url("postgresql://postgres@" + ",".join(
                f"127.0.0.1:{p.port}" for p in front.values()) + "/postgres?target_session_attrs=read-write")
        run.on_exit(lambda: [p.close() for p in proxies])
        standby.base_backup_from(primary)
        standby.start()
        require_standby(primary, synchronous)
        run.begin()
        resumed, promote_s, alone_s = [], [], []
        for _ in range(faults):
            run.pause(1.5, 2.5)
            if blackhole:
                front[primary.port].freeze()
            killed = primary.kill9()
            run.faults += 1
            standby.promote()
            primary, standby = standby, primary
            promote_s.append(round(time.monotonic() - killed, 2))
            if blackhole:   # the dead machine stays silent until writes resume elsewhere (or 30 s)
                resumed.append(wait_committed_ack(run, killed, timeout=30))
                front[standby.port].reset()
            standby.base_backup_from(primary)
            standby.start()
            require_standby(primary, synchronous)
            alone_s.append(round(time.monotonic() - killed, 2))
            if not blackhole:
                resumed.append(wait_committed_ack(run, killed))
        run.pause(1.0)
        result = run.finish(primary=primary)
        judge_resumption(result, resumed, gate=synchronous)
        result.figures["promote max (s)"] = max(promote_s)
        result.figures["alone: kill to standby streaming again, max (s)"] = max(alone_s)
        result.figures["replication lag added (ms each way)"] = round(LAG * 1000)
        if not synchronous:
            result.figures["acknowledged events lost per failover"] = round(result.verdict.lost / max(1, run.faults), 1)
            result.measure_only_lost = True
        return result


def require_standby(primary, synchronous, timeout=30):
    """Waits for the standby to stream from `primary`; when synchronous, then makes it the synchronous
    standby (a promoted node starts with synchronous replication off) and waits until it is."""
    wait_state(primary, "async", timeout)
    if synchronous:
        primary.psql("ALTER SYSTEM SET synchronous_standby_names = '*'")
        primary.psql("SELECT pg_reload_conf()")
        wait_state(primary, "sync", timeout)


def wait_state(primary, want, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = primary.psql("SELECT sync_state FROM pg_stat_replication WHERE state = 'streaming'", check=False)
        if want in states.split():
            return
        time.sleep(0.1)
    raise RuntimeError(f"no {want} standby streaming from {primary.host} within {timeout} s:\n{primary.log_tail()}")


def judge_resumption(result, resumed, gate, limit=10.0):
    """Records the per-failover resumption figures; with `gate`, fails the scenario at `limit` seconds."""
    result.figures["writes resumed after kill (s)"] = resumed
    result.figures["writes resumed max (s)"] = max(resumed)
    if gate and max(resumed) >= limit:
        result.failures.append(f"writes resumed up to {max(resumed)} s after the kill (target < {limit:g} s)")


def wait_committed_ack(run, killed, timeout=20):
    """Seconds from the kill to the first TCP ack, for a line sent after the kill, that says committed
    (not spooled): eventd writing to the new primary."""
    deadline = time.monotonic() + timeout
    back = run.ledger.first_confirmation_after(killed, committed_only=True)
    while back is None and time.monotonic() < deadline:
        time.sleep(0.1)
        back = run.ledger.first_confirmation_after(killed, committed_only=True)
    return round(back - killed, 2) if back else float("inf")
