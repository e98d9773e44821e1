"""The fault scenarios. Each injects at least `faults` faults under load from TCP-ack, HTTP and UDP
senders and returns a Result: the conservation verdict plus the scenario's own figures."""
import os
import statistics
import subprocess
import time

from harness import Run


def kill9(ctx, faults):
    """`kill -9` of eventd every 1–2 s and an immediate restart; no spool, PostgreSQL up."""
    with Run(ctx, "kill9") as run:
        run.begin()
        run.repeat(faults, 1.0, 2.0, lambda: (run.eventd.kill9(), run.eventd.start()))
        run.pause(1.0)
        return run.finish()


def postgres_restarts(ctx, faults):
    """PostgreSQL fast restarts (`pg_ctl restart -m fast`) every 1.5–2.5 s, spool on (`divert_after = 1s`)."""
    with Run(ctx, "pg-restart", spool={"divert_after": "1s"}) as run:
        run.begin()
        run.repeat(faults, 1.5, 2.5, run.cluster.restart)
        run.pause(1.0)
        return run.finish()


def postgres_down_across_restarts(ctx, faults):
    """Issue 13's reproduction, repeated: PostgreSQL down, acks from the spool; eventd restarted while it is
    down; PostgreSQL up, replay; eventd restarted again with PostgreSQL up. Clean SIGTERM restarts only."""
    with Run(ctx, "pg-down-restarts", spool={"divert_after": "1s"}) as run:
        run.begin()
        for _ in range(faults):
            run.pause(0.5)
            run.cluster.stop()
            run.faults += 1
            run.pause(1.2)              # acks now come from the spool (divert_after 1s)
            run.eventd.restart()        # PostgreSQL still down: starts on the spool
            run.pause(0.7)
            run.cluster.start()
            run.pause(0.7)              # replay
            run.eventd.restart()        # PostgreSQL up
        run.pause(1.0)
        result = run.finish()
        result.figures["eventd starts"] = run.eventd.starts
        return result


def postgres_flapping(ctx, faults):
    """PostgreSQL up 2–4 s, down 2–3 s, no spool. The stall of an outage is the time from PostgreSQL
    accepting connections again to the first confirmation after it (eventd's reconnect delay)."""
    with Run(ctx, "pg-flapping") as run:
        run.begin()
        outages = []
        for _ in range(faults):
            run.pause(2.0, 4.0)
            down = time.monotonic()
            run.cluster.stop()
            run.faults += 1
            run.pause(2.0, 3.0)
            run.cluster.start()
            outages.append((down, time.monotonic()))
        run.pause(6.0)
        stalls = []
        for down, up in outages:
            resumed = run.ledger.first_confirmation_after(up)
            stalls.append(round(resumed - up, 2) if resumed else float("inf"))
        result = run.finish()
        result.figures["stall per outage (s)"] = stalls
        result.figures["stall max (s)"] = max(stalls)
        result.figures["stall median (s)"] = round(statistics.median(stalls), 2)
        result.figures["outage (s)"] = [round(up - down, 1) for down, up in outages]
        if max(stalls) >= 5.0:
            result.failures.append(f"stall after an outage up to {max(stalls)} s (target < 5 s)")
        return result


def spool_disk_full(ctx, faults):
    """The spool's disk fills while PostgreSQL is down (a 256 KiB tmpfs in eventd's own mount namespace
    when running as root, else `spool.max_bytes = 256KiB`); PostgreSQL comes back, the spool drains."""
    tmpfs = os.getuid() == 0 and subprocess.run(
        ["unshare", "-m", "true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    spool = {"divert_after": "0s", "segment_bytes": "64KiB", "max_bytes": "64MiB" if tmpfs else "256KiB"}
    wrapper = None
    with Run(ctx, "spool-full", spool=spool) as run:
        if tmpfs:
            wrapper = ["unshare", "-m", "/bin/sh", "-c",
                       f"mount -t tmpfs -o size=256k none '{run.spool['directory']}' && exec \"$0\" \"$@\""]
            run.eventd.wrapper = wrapper
        run.figures["disk"] = "256 KiB tmpfs (ENOSPC)" if tmpfs else "spool.max_bytes = 256KiB"
        run.begin()
        missed = 0
        for _ in range(faults):
            run.pause(1.0)
            before = run.eventd.metrics().get("eventd_spool_full_total", 0)
            run.cluster.stop()
            if run.eventd.wait_metric("eventd_spool_full_total", lambda v: v > before, 20) is not None:
                run.faults += 1
            else:
                missed += 1
            run.pause(0.5)
            run.cluster.start()
            run.eventd.wait_metric("eventd_spool_records", lambda v: v == 0, 20)
        run.figures["spool full episodes"] = run.faults
        run.figures["ENOSPC in log"] = run.eventd.log_text().count("No space left on device")
        result = run.finish()
        if missed:
            result.notes.append(f"{missed} outage(s) ended before the spool filled")
        return result
