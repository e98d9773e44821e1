"""Failover: a primary and a streaming standby built on loopback (pg_basebackup), eventd given both in
libpq's multi-host form with `target_session_attrs=read-write`. Each fault: `kill -9` of the primary
under load, `pg_ctl promote` of the standby, then the old primary rebuilt as the new standby
(pg_basebackup; pg_rewind would copy less, but a rewound, killed primary did not come back as a
standby reliably here, and rebuilding is what the measurement needs anyway).

synchronous: `synchronous_standby_names = '*'` — a COMMIT returns only once the standby has the WAL, so
             a failover may lose nothing acknowledged; gated on lost = 0 and writes resuming within 10 s.
asynchronous: the default — a COMMIT returns before the standby has it; the scenario measures how many
             acknowledged events a failover loses, and is gated only on duplicated and unexpected rows.
"""
import time

from harness import Run


def failover(ctx, faults, synchronous):
    name = "failover-sync" if synchronous else "failover-async"
    with Run(ctx, name, spool={"divert_after": "1s"}, clusters=2,
             database_url=lambda cs: "postgresql://postgres@" + ",".join(c.host for c in cs)
             + "/postgres?target_session_attrs=read-write") as run:
        primary, standby = run.clusters
        if synchronous:
            primary.psql("ALTER SYSTEM SET synchronous_standby_names = '*'")
            primary.psql("SELECT pg_reload_conf()")
        standby.base_backup_from(primary)
        standby.start()
        wait_streaming(primary, synchronous)
        run.begin()
        resumed, promote_s, rebuild_s = [], [], []
        for _ in range(faults):
            run.pause(1.5, 2.5)
            killed = primary.kill9()
            run.faults += 1
            standby.promote()
            promote_s.append(round(time.monotonic() - killed, 2))
            primary, standby = standby, primary
            t = time.monotonic()
            standby.base_backup_from(primary)
            standby.start()
            wait_streaming(primary, synchronous)
            rebuild_s.append(round(time.monotonic() - t, 2))
            back = run.ledger.first_confirmation_after(killed, committed_only=True)
            if back is None:
                deadline = time.monotonic() + 20
                while back is None and time.monotonic() < deadline:
                    time.sleep(0.1)
                    back = run.ledger.first_confirmation_after(killed, committed_only=True)
            resumed.append(round(back - killed, 2) if back else float("inf"))
        run.pause(1.0)
        result = run.finish(primary=primary)
        result.figures["writes resumed after kill (s)"] = resumed
        result.figures["writes resumed max (s)"] = max(resumed)
        result.figures["promote (s)"] = max(promote_s)
        result.figures["standby rebuild max (s)"] = max(rebuild_s)
        if synchronous and max(resumed) >= 10.0:
            result.failures.append(f"writes resumed up to {max(resumed)} s after the kill (target < 10 s)")
        if not synchronous:
            v = result.verdict
            result.figures["acknowledged events lost per failover"] = round(v.lost / max(1, run.faults), 1)
            result.measure_only_lost = True
        return result


def wait_streaming(primary, synchronous, timeout=30):
    want = "sync" if synchronous else "async"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = primary.psql("SELECT sync_state FROM pg_stat_replication WHERE state = 'streaming'", check=False)
        if want in states.split():
            return
        time.sleep(0.1)
    raise RuntimeError(f"no {want} standby streaming from {primary.host} within {timeout} s:\n{primary.log_tail()}")
