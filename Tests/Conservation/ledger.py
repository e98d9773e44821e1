"""What every sender was told, event by event: the checker's half of the bookkeeping.

Each event has a unique messageId. An attempt to send it ends in one of three outcomes:

- ok            eventd confirmed it (TCP ack, HTTP 2xx): committed in PostgreSQL or durable in the spool;
- refused       eventd said it will never store it (named in an ack's or a 2xx/400 body's `errors`);
- indeterminate the connection broke, a reply timed out, a TCP ack said `failed`, HTTP answered 503/429/5xx:
                nobody knows; the sender resends the same event (same id, same timestamp) until ok/refused.

UDP has no outcome: its events are only counted as sent (best effort).
"""
import threading
import time


class Ledger:
    """Thread-safe record of every event's outcomes, shared by all senders of one scenario."""

    def __init__(self):
        self._lock = threading.Lock()
        self.sent = {}            # messageId -> transport, for every event attempted at least once
        self.acked = set()        # final outcome ok
        self.refused = set()      # final outcome refused
        self.indeterminate = set()  # ids that had at least one indeterminate attempt
        self.indeterminate_attempts = 0
        self.udp_sent = set()
        self.confirmations = []   # (sent at, confirmed at, transport, spooled) per confirmed attempt (monotonic)

    def attempted(self, ids, transport):
        with self._lock:
            for i in ids:
                self.sent.setdefault(i, transport)

    def ok(self, ids, transport, sent_at, spooled=False):
        with self._lock:
            self.acked.update(ids)
            self.confirmations.append((sent_at, time.monotonic(), transport, spooled))

    def refuse(self, ids):
        with self._lock:
            self.refused.update(ids)

    def unsure(self, ids):
        with self._lock:
            self.indeterminate.update(ids)
            self.indeterminate_attempts += 1

    def udp(self, ids):
        with self._lock:
            self.udp_sent.update(ids)

    def first_confirmation_after(self, moment, committed_only=False):
        """When the first attempt sent at or after `moment` was confirmed; `committed_only` counts only TCP
        acks without `"spooled":true` (an HTTP 200 does not say whether it came from the spool)."""
        with self._lock:
            times = [t for (sent, t, transport, spooled) in self.confirmations
                     if sent >= moment and not (committed_only and (transport != "tcp" or spooled))]
        return min(times) if times else None
