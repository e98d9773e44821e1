"""Waits, before a latency phase, until the disk under PostgreSQL stops stalling fsyncs.

Why: the harness frees gigabytes just before its half-load phases (each phase starts with TRUNCATE and
CHECKPOINT, and the parallel ceilings load and drop ~10 GB). On a filesystem mounted with `discard`, as this
benchmark VM's ext4 is, the freed blocks are discarded in the background, and for a while fdatasync stalls:
with neither PostgreSQL nor eventd running, deleting a 6 GB file was followed by 30-100 ms fdatasyncs every
~2.1 s for ~20 s (Benchmarks/RESULTS.md, "The half-load miss was the disk discarding freed blocks"). A
COMMIT waits for a WAL fdatasync, so a half-load phase that starts then measures the disk's discards, not
the ingest path. docs/operations.md tells operators the same: trim with `fstrim.timer`, not `discard`.

The probe writes 8 kB and fdatasyncs a small file beside the data directory every 5 ms. `settle_disk`
returns once `quiet_s` seconds passed with no fdatasync over STALL_MS (or after `limit_s`); what it
waited and saw goes into the phase's results (`disk_settle`). run-e2e.sh `--no-disk-settle` skips it.

    python3 disk_settle.py DIR --watch 30     # every fdatasync over 20 ms in DIR for 30 s, with its time
"""
import argparse
import os
import time

STALL_MS = 20.0


def fdatasync_probe(directory, period_s=0.005):
    """Yields (start, seconds) of one 8 kB write + fdatasync in `directory` every `period_s`; raises
    OSError when the directory cannot be written."""
    path = os.path.join(directory, f"eventd-disk-settle-{os.getpid()}.probe")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    size, block, offset = 4 << 20, os.urandom(8192), 0
    try:
        os.write(fd, b"\0" * size)
        os.fsync(fd)
        while True:
            start = time.monotonic()
            os.pwrite(fd, block, offset)
            os.fdatasync(fd)
            took = time.monotonic() - start
            offset = (offset + len(block)) % size
            yield start, took
            time.sleep(max(0.0, period_s - took))
    finally:
        os.close(fd)
        os.unlink(path)


def settle_disk(directory, quiet_s=5.0, limit_s=120.0):
    """Probes until no fdatasync has been over STALL_MS for `quiet_s`; returns what it saw, or None when
    `directory` cannot be written (PostgreSQL on another machine)."""
    stalls, worst = 0, 0.0
    first = last_stall = None
    try:
        probe = fdatasync_probe(directory)
        for start, took in probe:
            if first is None:
                first = last_stall = start
            worst = max(worst, took)
            if took * 1000 > STALL_MS:
                stalls += 1
                last_stall = start + took
            now = start + took
            if now - last_stall >= quiet_s or now - first >= limit_s:
                break
        probe.close()
    except OSError:
        return None
    return {"waited_s": round(now - first, 1), "stalls": stalls, "worst_fdatasync_ms": round(worst * 1000, 1),
            "settled": now - last_stall >= quiet_s}


def describe(settle):
    if not settle:
        return "not probed"
    state = "" if settle["settled"] else ", NOT settled at the limit"
    return (f"{settle['waited_s']} s, {settle['stalls']} fdatasyncs over {STALL_MS:.0f} ms, worst "
            f"{settle['worst_fdatasync_ms']} ms{state}")


def watch(directory, seconds):
    took_all, stalls, first = [], [], None
    for start, took in fdatasync_probe(directory):
        first = first if first is not None else start
        took_all.append(took)
        if took * 1000 > STALL_MS:
            stalls.append((round(start - first, 2), round(took * 1000, 1)))
        if start - first >= seconds:
            break
    took_all.sort()
    print(f"{len(took_all)} fdatasyncs in {seconds} s: p50 {took_all[len(took_all) // 2] * 1000:.2f} ms, "
          f"p99 {took_all[int(len(took_all) * 0.99)] * 1000:.2f} ms, max {took_all[-1] * 1000:.1f} ms")
    print(f"over {STALL_MS:.0f} ms (s since start, ms): {stalls}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description="fdatasync latency in a directory: what a COMMIT's WAL flush waits on")
    p.add_argument("directory")
    p.add_argument("--watch", type=float, default=30, metavar="SECONDS")
    a = p.parse_args()
    watch(a.directory, a.watch)
