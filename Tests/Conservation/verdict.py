"""The checker's judgement: the ledger (what senders were told) against the rows PostgreSQL holds.

    lost        acknowledged (ok) but not stored
    duplicated  stored more than once (rows beyond the first; any transport, UDP included)
    unexpected  rows nobody sent, or rows of events eventd said it refused
A scenario fails on any of the three. UDP is best effort: its missing events are counted, never judged.
"""
from dataclasses import dataclass, field


@dataclass
class Verdict:
    sent: int = 0
    acked: int = 0
    refused: int = 0
    indeterminate: int = 0
    unresolved: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    unexpected: int = 0
    udp_sent: int = 0
    udp_stored: int = 0
    examples: dict = field(default_factory=dict)

    @property
    def conserved(self):
        return self.lost == 0 and self.duplicated == 0 and self.unexpected == 0

    def row(self):
        return {k: getattr(self, k) for k in (
            "sent", "acked", "refused", "indeterminate", "unresolved", "stored",
            "lost", "duplicated", "unexpected", "udp_sent", "udp_stored")}


def judge(ledger, stored_counts, examples=5):
    """`stored_counts`: messageId -> number of rows in analytics.events (NULL ids as None)."""
    v = Verdict()
    v.sent = len(ledger.sent)
    v.acked = len(ledger.acked)
    v.refused = len(ledger.refused)
    v.indeterminate = len(ledger.indeterminate)
    v.unresolved = len(set(ledger.sent) - ledger.acked - ledger.refused)
    lost = sorted(i for i in ledger.acked if stored_counts.get(i, 0) == 0)
    doubled = sorted(i for i, n in stored_counts.items() if n > 1)
    foreign = sorted((i for i in stored_counts
                      if (i not in ledger.sent and i not in ledger.udp_sent) or i in ledger.refused),
                     key=lambda i: (i is None, i or ""))
    v.lost = len(lost)
    v.duplicated = sum(stored_counts[i] - 1 for i in doubled)
    v.unexpected = sum(stored_counts[i] for i in foreign)
    v.stored = sum(1 for i in ledger.sent if stored_counts.get(i, 0) > 0)
    v.udp_sent = len(ledger.udp_sent)
    v.udp_stored = sum(1 for i in ledger.udp_sent if stored_counts.get(i, 0) > 0)
    v.examples = {"lost": lost[:examples], "duplicated": doubled[:examples], "unexpected": foreign[:examples]}
    return v
