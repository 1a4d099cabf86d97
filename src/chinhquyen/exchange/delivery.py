"""The delivery worker: sends the outbox, fetches the inbox, forever (or for a bounded time).

Sending: due rows are claimed with a lease (`locked_until`; on PostgreSQL `SKIP LOCKED`, so
several workers share the queue), sent outside any transaction — several per request where the
transport can (`send_many`) —, then marked, the taken ones in one transaction. A worker killed
between the node's answer and the mark leaves the lease to expire; the row is sent again with
the same package id and the hub answers "duplicate" instead of delivering twice. Failures back
off exponentially with jitter, `min(max, base·2^(n-1))·U(0.5, 1)`, with no limit on attempts;
only a permanent refusal makes a dead letter.

Fetching: list (with the bytes of the first messages, where the node gives them) → fetch the
others → `inbound.record` each (one transaction each) → acknowledge the recorded ones together.
A crash before the acknowledgement means the node offers them again and `record` recognises them.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from chinhquyen.core.audit import record_event
from chinhquyen.core.rows import update_row
from chinhquyen.exchange import inbound
from chinhquyen.exchange.models import Outbox, OutboxPayload, OutboxState
from chinhquyen.exchange.transports import Outgoing, SendResult, Transport, TransportError, get_transport

log = logging.getLogger(__name__)


def lease_seconds() -> float:
    """How long a claimed row is reserved: one request's timeout and a margin. A worker killed
    while holding rows strands them this long at most; a row sent twice is de-duplicated."""
    return float(settings.EXCHANGE_HTTP_TIMEOUT_SECONDS) + 5.0


def backoff_seconds(attempts: int, *, rng: random.Random | None = None) -> float:
    """Delay before attempt `attempts + 1`: exponential, capped, with jitter (never zero)."""
    base = float(settings.EXCHANGE_RETRY_BASE_SECONDS)
    cap = float(settings.EXCHANGE_RETRY_MAX_SECONDS)
    delay = min(cap, base * 2 ** min(max(attempts - 1, 0), 30))
    return delay * (rng or random).uniform(0.5, 1.0)


#: One pass of the worker claims at most this many bytes of messages (and at least one message).
CLAIM_BYTES = 8 * 1024 * 1024


def claim_due(*, limit: int = 10, now: dt.datetime | None = None, max_bytes: int | None = None) -> list[int]:
    now = now or timezone.now()
    budget = CLAIM_BYTES if max_bytes is None else max_bytes
    with transaction.atomic():
        due = Outbox.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now).filter(
            Q(locked_until__isnull=True) | Q(locked_until__lt=now)
        )
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids: list[int] = []
        total = 0
        for row_id, size in due.order_by("next_attempt_at", "id").values_list("id", "size")[:limit]:
            if ids and total + size > budget:
                break
            ids.append(row_id)
            total += size
        if ids:
            Outbox.objects.filter(id__in=ids).update(locked_until=now + dt.timedelta(seconds=lease_seconds()))
    return ids


def _failed(row: Outbox, exc: TransportError) -> None:
    with transaction.atomic():
        row.attempts += 1
        row.last_error_code = exc.code[:60]
        row.last_error = str(exc)[:2000]
        row.locked_until = None
        if exc.permanent:
            row.state = OutboxState.DEAD
            record_event(
                action="exchange.dead_letter",
                object_type="exchange.outbox",
                object_id=row.pk,
                summary={"document_id": row.document_id, "code": exc.code, "error": str(exc)[:300]},
            )
        else:
            row.next_attempt_at = timezone.now() + dt.timedelta(seconds=backoff_seconds(row.attempts))
        row.save(update_fields=["attempts", "last_error_code", "last_error", "locked_until", "state", "next_attempt_at"])
    log.info("exchange: outbox %s not sent (%s, permanent=%s)", row.pk, exc.code, exc.permanent)


def _sent(rows: list[tuple[Outbox, SendResult]]) -> None:
    """Mark rows the node took, all in one transaction (one commit for the batch)."""
    if not rows:
        return
    now = timezone.now()
    with transaction.atomic():
        for row, result in rows:
            row.attempts += 1
            row.state = OutboxState.SENT
            row.sent_at = now
            row.remote_ids = result.remote_ids
            row.locked_until = None
            row.last_error_code = row.last_error = ""
            update_row(row, ["attempts", "state", "sent_at", "remote_ids", "locked_until", "last_error_code", "last_error"])
            record_event(
                action="exchange.sent",
                object_type="exchange.outbox",
                object_id=row.pk,
                summary={"document_id": row.document_id, "kind": row.kind, "to": row.recipient_codes, "duplicate": result.duplicate},
            )


def _outgoing(row: Outbox) -> Outgoing:
    return Outgoing(
        package_id=str(row.package_id),
        message_type="status" if row.kind == "status" else "edoc",
        data=bytes(row.payload),
        sender_code=row.sender_code,
        recipient_codes=list(row.recipient_codes),
    )


def send_one(row: Outbox, transport: Transport) -> bool:
    """Send one claimed row; True when the node took it."""
    try:
        message = _outgoing(row)
        result = transport.send(
            package_id=message.package_id,
            message_type=message.message_type,
            data=message.data,
            sender_code=message.sender_code,
            recipient_codes=message.recipient_codes,
        )
    except TransportError as exc:
        _failed(row, exc)
        return False
    _sent([(row, result)])
    return True


def deliver_due(transport: Transport, *, limit: int = 10) -> int:
    """Send the due rows, several per round trip (`Transport.send_many`), and mark them (those
    taken in one transaction). A crash between the node's answer and the mark leaves the rows
    leased; they are sent again with the same package ids and the node answers "duplicate"."""
    ids = claim_due(limit=limit)
    if not ids:
        return 0
    rows = list(Outbox.objects.filter(pk__in=ids, state=OutboxState.PENDING).order_by("next_attempt_at", "id"))
    if not rows:
        return 0
    payloads = dict(OutboxPayload.objects.filter(outbox_id__in=[row.pk for row in rows]).values_list("outbox_id", "data"))
    for row in rows:
        row._payload = bytes(payloads[row.pk])
    try:
        results = transport.send_many([_outgoing(row) for row in rows])
    except TransportError as exc:  # the node, not one message: every row waits for its next attempt
        for row in rows:
            _failed(row, exc)
        return 0
    taken = [(row, result) for row, result in zip(rows, results, strict=True) if isinstance(result, SendResult)]
    for row, result in zip(rows, results, strict=True):
        if isinstance(result, TransportError):
            _failed(row, result)
    _sent(taken)
    return len(taken)


def fetch_inbound(transport: Transport, *, limit: int = 50) -> int:
    """List what waits (with the bytes, where the node gives them), record each message in its own
    transaction, then acknowledge the recorded ones together. A crash before the acknowledgement
    means the node offers them again and `inbound.record` recognises each."""
    handled = 0
    acks: list[tuple[str, bool, str]] = []
    try:
        for item in transport.list_received(limit=limit, with_content=True):
            data = item.data if item.data is not None else transport.fetch(item.remote_id)
            outcome = inbound.record(transport=transport.name, item=item, data=data)
            acks.append((item.remote_id, outcome.ok, outcome.reason))
            handled += 1
    finally:
        if acks:
            transport.acknowledge_many(acks)
    return handled


#: Messages per pass each way (and at most CLAIM_BYTES sent, 8 MB of content listed with the bytes).
BATCH = 50

#: The first sleep after a pass that found nothing, when the pass before it had work.
FIRST_IDLE_SECONDS = 0.05


def idle_sleeps(poll: float) -> Iterator[float]:
    """The sleeps after consecutive passes that found nothing: 0.05 s, then doubling up to `poll`.

    A busy exchange comes in waves (a batch sent, the next one not yet queued); sleeping the whole
    `poll` after the first empty pass would leave the pipeline idle for a second each time (W5 of
    BENCHMARKS.md measured that idle time), while polling fast for ever would cost the node a
    request every 50 ms. So the worker polls fast right after work, and slows to `poll` when
    nothing comes (about 1 s of fast polls first)."""
    sleep = min(FIRST_IDLE_SECONDS, poll)
    while True:
        yield sleep
        sleep = min(poll, sleep * 2)


@dataclass
class WorkerStats:
    passes: int = 0
    sent: int = 0
    fetched: int = 0
    errors: list[str] = field(default_factory=list)


def run_worker(
    *, transport: Transport | None = None, once: bool = False, max_seconds: float | None = None, poll_seconds: float | None = None
) -> WorkerStats:
    """Loop: send what is due, fetch what waits; when a pass found nothing, sleep (`idle_sleeps`:
    0.05 s after work, doubling up to `poll_seconds` while nothing comes). Stops after one pass (`once`), after `max_seconds`, or on SIGTERM/SIGINT at the end of a pass."""
    transport = transport or get_transport()
    poll = float(settings.EXCHANGE_POLL_SECONDS if poll_seconds is None else poll_seconds)
    started = time.monotonic()
    stats = WorkerStats()
    stopping = False
    sleeps = idle_sleeps(poll)

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {}
    if not once:
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                previous[sig] = signal.signal(sig, _stop)
            except ValueError:  # not the main thread (tests)
                break
    try:
        while True:
            stats.passes += 1
            work = 0
            close_old_connections()
            try:
                sent = deliver_due(transport, limit=BATCH)
                fetched = fetch_inbound(transport, limit=BATCH)
                stats.sent += sent
                stats.fetched += fetched
                work = sent + fetched
            except (TransportError, OperationalError) as exc:
                stats.errors.append(f"{exc.__class__.__name__}: {exc}"[:300])
                del stats.errors[:-20]
                log.info("exchange worker: %s", exc)
            if once or stopping or (max_seconds is not None and time.monotonic() - started >= max_seconds):
                break
            if work:
                sleeps = idle_sleeps(poll)
            else:
                time.sleep(next(sleeps))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return stats
