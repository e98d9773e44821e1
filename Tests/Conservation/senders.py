"""Senders written as a new user would write them from the README: TCP in ack mode, HTTP `/v1/batch`, UDP.

Each event is a Segment `track` message with a unique `messageId` and a fixed `timestamp` (eventd's
dedup key is the id together with the timestamp, so a resend must carry both unchanged). A batch is
retried, byte for byte the same events, until every event in it is ok or refused; a sender stops
making new batches when told, and gives up on its last one only at the give-up deadline.
"""
import http.client
import json
import random
import socket
import threading
import time
from datetime import datetime, timezone

BATCH_EVENTS = 10
REFUSED_EVERY = 25   # one batch in REFUSED_EVERY carries an event eventd must refuse (invalid type)
# Off only to show what happens to a sender that retries without one (run.py --no-timestamps): eventd
# then stamps the receipt time, which is part of the dedup key, so a resend becomes a second row.
SEND_TIMESTAMPS = True


class Control:
    """Shared by a scenario's senders: when to stop making new batches, when to give up on the last."""

    def __init__(self):
        self.stop_new = threading.Event()
        self.give_up_at = None

    def giving_up(self):
        return self.give_up_at is not None and time.monotonic() > self.give_up_at


def make_batch(prefix, sequence):
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    events = []
    for k in range(BATCH_EVENTS):
        events.append({"type": "track", "event": "conservation", "messageId": f"{prefix}-{sequence}-{k}",
                       "userId": f"user-{prefix}", "timestamp": stamp, "properties": {"batch": sequence, "k": k}})
    if not SEND_TIMESTAMPS:
        for e in events:
            del e["timestamp"]
    if sequence % REFUSED_EVERY == REFUSED_EVERY - 1:
        events[-1]["type"] = "not_a_type"
    return events


class Sender(threading.Thread):
    transport = "?"

    def __init__(self, name, port, ledger, control, interval=0.04):
        super().__init__(name=name, daemon=True)
        self.prefix, self.port, self.ledger, self.control, self.interval = name, port, ledger, control, interval
        self.error = None

    def run(self):
        try:
            sequence = 0
            while not self.control.stop_new.is_set():
                events = make_batch(self.prefix, sequence)
                sequence += 1
                ids = [e["messageId"] for e in events]
                self.ledger.attempted(ids, self.transport)
                pending = self.deliver(events)
                while pending and not self.control.giving_up():
                    time.sleep(0.05 + random.random() * 0.15)
                    pending = self.deliver([e for e in events if e["messageId"] in pending])
                time.sleep(self.interval)
        except Exception as error:  # a bug in the checker, not a fault: reported, fails the scenario
            self.error = repr(error)
        finally:
            self.close()

    def settle(self, ids, errors, sent_at, spooled=False):
        """Marks the events named in `errors` refused and the rest ok; returns nothing pending."""
        refused = {e.get("messageId") for e in errors if e.get("messageId")}
        self.ledger.refuse([i for i in ids if i in refused])
        self.ledger.ok([i for i in ids if i not in refused], self.transport, sent_at, spooled)
        return set()

    def close(self):
        pass


class TCPAckSender(Sender):
    """`{"ack":true}` first, then one batch line at a time, waiting for its ack line."""
    transport = "tcp"
    reply_timeout = 30

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sock = None
        self.reader = None

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        self.sock.settimeout(self.reply_timeout)
        self.reader = self.sock.makefile("rb")
        self.sock.sendall(b'{"ack":true}\n')

    def deliver(self, events):
        ids = [e["messageId"] for e in events]
        sent_at = time.monotonic()
        try:
            if self.sock is None:
                self.connect()
            self.sock.sendall(json.dumps({"batch": events}).encode() + b"\n")
            line = self.reader.readline()
            if not line:
                raise ConnectionError("end of stream before the ack")
            reply = json.loads(line)
        except (OSError, ValueError):
            self.close()
            self.ledger.unsure(ids)
            return set(ids)
        if "failed" in reply:
            self.ledger.unsure(ids)
            return set(ids)
        return self.settle(ids, reply.get("errors", []), sent_at, bool(reply.get("spooled")))

    def close(self):
        for thing in (self.reader, self.sock):
            try:
                thing and thing.close()
            except OSError:
                pass
        self.sock = self.reader = None


class HTTPBatchSender(Sender):
    """POST /v1/batch on a keep-alive connection; 200 is ok, 400 with errors is refused, the rest unsure."""
    transport = "http"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conn = None

    def deliver(self, events):
        ids = [e["messageId"] for e in events]
        stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        body = json.dumps({"batch": events, "sentAt": stamp}).encode()
        sent_at = time.monotonic()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request("POST", "/v1/batch", body, {"Content-Type": "application/json"})
            response = self.conn.getresponse()
            status, payload = response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            self.ledger.unsure(ids)
            return set(ids)
        if status in (200, 400):
            try:
                errors = json.loads(payload or b"{}").get("errors", [])
            except ValueError:
                errors = []
            if status == 400 and not errors:
                self.ledger.refuse(ids)
                return set()
            return self.settle(ids, errors, sent_at)
        self.ledger.unsure(ids)
        if status in (408, 413, 431) or response.getheader("Connection", "").lower() == "close":
            self.close()
        return set(ids)

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None


class UDPSender(Sender):
    """Fire and forget: one batch per datagram, counted as sent."""
    transport = "udp"

    def deliver(self, events):
        ids = [e["messageId"] for e in events if e["type"] == "track"]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(json.dumps({"batch": events}).encode(), ("127.0.0.1", self.port))
        self.ledger.udp(ids)
        return set()

    def run(self):
        try:
            sequence = 0
            while not self.control.stop_new.is_set():
                self.deliver(make_batch(self.prefix, sequence))
                sequence += 1
                time.sleep(self.interval)
        except Exception as error:
            self.error = repr(error)
