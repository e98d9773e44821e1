"""One scenario's world: its own PostgreSQL server(s), one eventd, the senders, and the final count.

    with Run(context, "kill9", spool=None) as run:
        run.start_senders()
        ... faults ...
        result = run.finish()     # senders settle, eventd drains and stops, rows are counted and judged

Everything is under the scenario's own directory and is stopped on the way out, even on an exception.
"""
import os
import shutil
import time

from eventd_process import Eventd
from ledger import Ledger
from pgcluster import Cluster
from senders import Control, HTTPBatchSender, TCPAckSender, UDPSender
from verdict import judge


class Context:
    """What all scenarios share: the eventd binary, a migrated template server, the work directory, mode."""

    def __init__(self, binary, work, quick):
        self.binary, self.work, self.quick = binary, work, quick
        self.template = None

    def template_cluster(self):
        """Initialised and migrated once; each scenario copies its data directory (seconds, not tens)."""
        if self.template is None:
            template = Cluster(os.path.join(self.work, "template"))
            template.init("wal_level = replica\nmax_wal_senders = 10\nhot_standby = on\n"
                          # a standby retries its primary (and notices a promote request) this often; 5 s by default
                          "wal_retrieve_retry_interval = 1s\n")
            template.start()
            migrate(self.binary, template.url())
            template.stop()
            self.template = template
        return self.template


def migrate(binary, url):
    import subprocess
    done = subprocess.run([binary, "migrate", "--database-url", url], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"eventd migrate failed: {done.stdout[-2000:]}")


class Run:
    def __init__(self, context, name, spool=None, extra="", senders=(2, 2, 1), wrapper=None,
                 database_url=None, clusters=1, interval=0.04, from_template=True):
        self.context, self.name = context, name
        self.directory = os.path.join(context.work, name)
        shutil.rmtree(self.directory, ignore_errors=True)
        os.makedirs(self.directory)
        self.clusters = [Cluster(os.path.join(self.directory, f"pg{i}")) for i in range(clusters)]
        self.cluster = self.clusters[0]
        if from_template:   # else the scenario makes its servers itself
            self.cluster.copy_from(context.template_cluster())
            self.cluster.start()
        if spool is not None:
            spool.setdefault("directory", os.path.join(self.directory, "spool"))
            os.makedirs(spool["directory"], exist_ok=True)
        self.spool = spool
        url = database_url(self.clusters) if callable(database_url) else (database_url or self.cluster.url())
        self.eventd = Eventd(context.binary, self.directory, url,
                             spool=spool, extra=extra, wrapper=wrapper)
        self.ledger = Ledger()
        self.control = Control()
        self.sender_counts = senders
        self.interval = interval   # seconds between a sender's batches (10 events each)
        self.senders = []
        self.figures = {}
        self.notes = []
        self.faults = 0
        self.cleanups = []

    def on_exit(self, cleanup):
        self.cleanups.append(cleanup)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.control.stop_new.set()
        self.control.give_up_at = time.monotonic()
        for s in self.senders:
            s.join(5)
        self.eventd.kill9()
        for cleanup in self.cleanups:
            cleanup()
        for c in self.clusters:
            c.stop("immediate")
        return False

    def start_senders(self):
        tcp, http, udp = self.sender_counts
        for i in range(tcp):
            self.senders.append(TCPAckSender(f"{self.name}-tcp{i}", self.eventd.tcp_port, self.ledger, self.control,
                                             self.interval))
        for i in range(http):
            self.senders.append(HTTPBatchSender(f"{self.name}-http{i}", self.eventd.http_port, self.ledger,
                                                self.control, self.interval))
        for i in range(udp):
            self.senders.append(UDPSender(f"{self.name}-udp{i}", self.eventd.udp_port, self.ledger, self.control,
                                          interval=self.interval * 2))
        for s in self.senders:
            s.start()

    def begin(self):
        """eventd up, then the senders."""
        self.eventd.start()
        self.start_senders()

    def repeat(self, faults, low, high, fault):
        """`fault()` every `low`–`high` seconds, `faults` times, under load."""
        for _ in range(faults):
            self.pause(low, high)
            fault()
            self.faults += 1

    def pause(self, low, high=None):
        import random
        time.sleep(low if high is None else random.uniform(low, high))

    def finish(self, primary=None, settle_timeout=60):
        """Stops new batches, lets every sender settle its last one (eventd and PostgreSQL up), waits for
        the spool to be replayed, stops eventd gracefully and judges the rows on `primary`."""
        primary = primary or self.cluster
        self.control.stop_new.set()
        self.control.give_up_at = time.monotonic() + settle_timeout
        for s in self.senders:
            s.join(settle_timeout + 35)
        if self.spool is not None and self.eventd.process is not None:
            left = self.eventd.wait_metric("eventd_spool_records", lambda v: v == 0, 60)
            if left is None:
                self.notes.append("the spool was not empty 60 s after the senders settled: "
                                  f"{self.eventd.metrics().get('eventd_spool_records')} record(s) left")
        code = self.eventd.terminate()
        if code not in (0, None):
            self.notes.append(f"eventd exited with {code} at the final SIGTERM")
        for s in self.senders:
            if s.error:
                self.notes.append(f"sender {s.name} crashed: {s.error}")
        stored = stored_counts(primary)
        verdict = judge(self.ledger, stored)
        return Result(self.name, self.faults, verdict, self.figures, self.notes, self.eventd.log_path,
                      not any(s.error for s in self.senders))


def stored_counts(cluster):
    counts = {}
    out = cluster.psql("COPY (SELECT message_id, count(*) FROM analytics.events GROUP BY message_id) TO STDOUT")
    for line in out.splitlines():
        ident, _, n = line.rpartition("\t")
        counts[None if ident == "\\N" else ident] = int(n)
    return counts


class Result:
    def __init__(self, name, faults, verdict, figures, notes, log_path, senders_ok=True):
        self.name, self.faults, self.verdict, self.figures = name, faults, verdict, figures
        self.notes, self.log_path, self.senders_ok = notes, log_path, senders_ok
        self.seconds = 0.0
        self.failures = []
        self.min_faults = None           # None: the run's --faults
        self.measure_only_lost = False   # the asynchronous standby: lost events are the measurement

    def judge(self, min_faults):
        v = self.verdict
        lost = 0 if self.measure_only_lost else v.lost
        if lost or v.duplicated or v.unexpected:
            self.failures.append(f"lost {v.lost}, duplicated {v.duplicated}, unexpected {v.unexpected} "
                                 f"(e.g. {v.examples})")
        least = min_faults if self.min_faults is None else self.min_faults
        if self.faults < least:
            self.failures.append(f"only {self.faults} faults injected (at least {least})")
        if not self.senders_ok:
            self.failures.append("a sender crashed")
        if v.acked == 0:
            self.failures.append("nothing was acknowledged")
        return not self.failures
