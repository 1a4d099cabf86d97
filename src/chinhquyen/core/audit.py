"""Writing and verifying the audit chain (see `core.models`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from chinhquyen.core.middleware import current_client_address, current_request_id
from chinhquyen.core.models import AuditChainHead, AuditEvent
from chinhquyen.core.rows import chain_head_update, insert_row, insert_statement, locked_chain_head, mark_inserted

GENESIS_HASH = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers: every field but the hash itself, in a fixed order."""
    payload = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "agency_id": event.agency_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "request_id": event.request_id,
        "client_address": event.client_address,
        "previous_hash": event.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def record_event(
    *,
    action: str,
    actor: Any | None = None,
    agency_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    summary: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the transaction of the change it records.

    The head row is locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions
    already serialise writers), so two concurrent writers never share a sequence number.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change it records")
    last_sequence, last_hash = locked_chain_head(AuditChainHead, GENESIS_HASH)
    event = AuditEvent(
        sequence=last_sequence + 1,
        occurred_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or "",
        agency_id=agency_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=_json_safe(summary or {}),
        request_id=current_request_id() or "",
        client_address=current_client_address() or "",
        previous_hash=last_hash,
    )
    event.hash = compute_hash(event)
    # No receiver listens to audit events; plain statements keep the head's lock short (W3). On
    # PostgreSQL the event and the head go in one statement (a writable CTE).
    move_head = chain_head_update(AuditChainHead)
    if connection.vendor == "postgresql":
        insert, values = insert_statement(event)
        with connection.cursor() as cursor:
            statement = f"WITH e AS ({insert}) {move_head} RETURNING (SELECT id FROM e)"  # noqa: S608 - built from the model
            cursor.execute(statement, [*values, event.sequence, event.hash])
            mark_inserted(event, cursor.fetchone()[0])
        return event
    insert_row(event)
    with connection.cursor() as cursor:
        cursor.execute(move_head, [event.sequence, event.hash])
    return event


@dataclass(frozen=True)
class ChainBreak:
    sequence: int | None
    reason: str

    def __str__(self) -> str:
        where = f"#{self.sequence}" if self.sequence is not None else "head"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _events_in_storage_order() -> Iterator[AuditEvent]:
    # Storage order is the primary key (insertion order); the sequence column is checked
    # against it, so a row whose sequence was rewritten to reorder the chain is caught.
    return AuditEvent.objects.order_by("pk").iterator(chunk_size=2000)


def verify_chain() -> VerifyResult:
    """Recompute every link; report the first broken one.

    Catches a modified row (its hash no longer matches), a deleted row (a gap in the sequence,
    or a tail shorter than the head says), an inserted row (a link that does not point to its
    predecessor) and reordered rows (sequence out of storage order).
    """
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for event in _events_in_storage_order():
        checked += 1
        if event.sequence != expected_sequence:
            return VerifyResult(
                checked, ChainBreak(event.sequence, f"expected sequence {expected_sequence}: a row was deleted, inserted or moved")
            )
        if event.previous_hash != previous_hash:
            return VerifyResult(
                checked, ChainBreak(event.sequence, "does not point to the previous event: a row was inserted, deleted or reordered")
            )
        if compute_hash(event) != event.hash:
            return VerifyResult(checked, ChainBreak(event.sequence, "content does not match its hash: the row was modified"))
        previous_hash = event.hash
        expected_sequence += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last_sequence = expected_sequence - 1
    if head is None:
        if checked:
            return VerifyResult(checked, ChainBreak(None, "the chain head is missing"))
        return VerifyResult(checked, None)
    if head.last_sequence != last_sequence or head.last_hash != previous_hash:
        return VerifyResult(
            checked,
            ChainBreak(None, f"the head says #{head.last_sequence} but the chain ends at #{last_sequence}: rows were deleted at the end"),
        )
    return VerifyResult(checked, None)


# --- permission denials (issue 16 §12) -----------------------------------------------------------
#: The same refusal (actor, object, code) is recorded once per window: a page that asks ten times,
#: or a script that retries, leaves one event, not a flood.
DENIAL_WINDOW_SECONDS = 600
#: At most this many denial events per request (a list that refuses one row per line is one probe).
DENIALS_PER_REQUEST = 1

_pending_denials: ContextVar[list[dict[str, Any]] | None] = ContextVar("pending_denials", default=None)


def record_denial(
    *, actor: Any, object_type: str, object_id: object = "", code: str = "permission_denied", agency_id: int | None = None
) -> None:
    """An access function refused `actor` (action `access.denied`).

    It must not roll back with the refused request: inside a request (`collect_denials`) the event
    is kept aside and written once the view has answered, in its own transaction; elsewhere it is
    written at once when no transaction is open, else when the current one commits. Each refusal
    costs at most one event (one insert in the chain), and the same refusal is written once per
    `DENIAL_WINDOW_SECONDS`.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return  # anonymous visitors never reach an access function: the login wall answers first
    denial = {
        "actor": actor,
        "object_type": object_type,
        "object_id": str(object_id),
        "code": code,
        "agency_id": agency_id,
    }
    pending = _pending_denials.get()
    if pending is not None:
        if len(pending) < DENIALS_PER_REQUEST:
            pending.append(denial)
        return
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _write_denial(denial))
    else:
        _write_denial(denial)


@contextmanager
def collect_denials() -> Iterator[None]:
    """Keep the request's denials aside and write them when the block ends (after the view)."""
    token = _pending_denials.set([])
    try:
        yield
    finally:
        pending = _pending_denials.get() or []
        _pending_denials.reset(token)
        for denial in pending:
            try:
                _write_denial(denial)
            except Exception:  # the refused request's answer stands; the failure is logged loudly
                logging.getLogger(__name__).exception("could not record an access denial")


def _write_denial(denial: dict[str, Any]) -> None:
    from django.core.cache import cache

    actor = denial["actor"]
    key = (
        "audit:denied:"
        + hashlib.sha256(f"{actor.pk}|{denial['object_type']}|{denial['object_id']}|{denial['code']}".encode()).hexdigest()[:32]
    )
    try:
        first = cache.add(key, 1, DENIAL_WINDOW_SECONDS)
    except Exception:  # a cache outage must not hide the refusal: record it
        first = True
    if not first:
        return
    with transaction.atomic():
        record_event(
            action="access.denied",
            actor=actor,
            agency_id=denial["agency_id"],
            object_type=denial["object_type"],
            object_id=denial["object_id"],
            summary={"code": denial["code"]},
        )
