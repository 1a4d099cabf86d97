"""The evidence log: each entry carries the SHA-256 of the one before, so a changed, removed,
inserted or reordered entry breaks the chain (`chinhquyen hub verify-log` names where)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import CharField
from django.utils import timezone

from chinhquyen.core.rows import chain_head_update, locked_chain_head
from chinhquyen.hub.models import EvidenceEntry, EvidenceHead

GENESIS = "0" * 64
_FIELDS = (
    "sequence",
    "event",
    "connector",
    "package_id",
    "doc_id",
    "message_type",
    "from_code",
    "to_code",
    "document_id",
    "status_code",
    "sha256",
    "detail",
    "previous_hash",
)


def entry_hash(entry: EvidenceEntry) -> str:
    payload = {name: getattr(entry, name) for name in _FIELDS}
    payload["occurred_at"] = entry.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def append(*, event: str, connector: str, **fields: str) -> EvidenceEntry:
    """Add one entry; must run inside the transaction of what it records (the head row is locked)."""
    return append_many([{"event": event, "connector": connector, **fields}])[0]


_MAX_LENGTH = {f.name: f.max_length for f in EvidenceEntry._meta.concrete_fields if isinstance(f, CharField) and f.max_length}


def append_many(events: list[dict[str, str]]) -> list[EvidenceEntry]:
    """Add entries in this order (each a dict of `append`'s arguments), chained as if appended one
    by one: one head lock, one insert, one head update for all. Must run inside the transaction of
    what they record (a batch of the API records its messages and their entries in one)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("evidence.append must run inside the transaction it records")
    if not events:
        return []
    sequence, previous = locked_chain_head(EvidenceHead, GENESIS)
    entries = []
    for fields in events:
        sequence += 1
        entry = EvidenceEntry(
            sequence=sequence,
            occurred_at=timezone.now(),
            previous_hash=previous,
            **{k: (v or "")[: _MAX_LENGTH[k]] for k, v in fields.items()},
        )
        entry.hash = previous = entry_hash(entry)
        entries.append(entry)
    EvidenceEntry.objects.bulk_create(entries)
    with connection.cursor() as cursor:
        cursor.execute(chain_head_update(EvidenceHead), [sequence, previous])
    return entries


@dataclass(frozen=True)
class LogCheck:
    checked: int
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_log() -> LogCheck:
    """Recompute every link up to the head as it is now (entries appended meanwhile are left for
    the next check, so a live hub can be checked); name the first broken one."""
    head = EvidenceHead.objects.filter(pk=1).first()
    last = head.last_sequence if head else 0
    expected, previous, checked = 1, GENESIS, 0
    for entry in EvidenceEntry.objects.filter(sequence__lte=last).order_by("pk").iterator(chunk_size=2000):
        checked += 1
        if entry.sequence != expected:
            return LogCheck(checked, f"#{entry.sequence}: expected #{expected} (an entry was removed, inserted or moved)")
        if entry.previous_hash != previous:
            return LogCheck(checked, f"#{entry.sequence}: does not point to the entry before it")
        if entry_hash(entry) != entry.hash:
            return LogCheck(checked, f"#{entry.sequence}: its content does not match its hash (it was changed)")
        previous, expected = entry.hash, expected + 1
    if head is None:
        later = EvidenceEntry.objects.exists()
        return LogCheck(checked, "the head is missing" if later else "")
    if expected - 1 != last or head.last_hash != previous:
        return LogCheck(checked, f"the head says #{last} but the log ends at #{expected - 1} (entries removed at the end)")
    return LogCheck(checked)
