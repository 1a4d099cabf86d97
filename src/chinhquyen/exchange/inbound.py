"""Recording what the worker fetched: one inbox row per message, handed to the handlers once.

`record(...)` is the whole receiving side of exactly-once: it looks for the message by transport
id, by bytes and (new documents) by DocumentId, and if it is new, creates the inbox row, hands it
to the registered handlers, queues status 01 and releases any status that was waiting for this
document — all in one transaction. The worker acknowledges to the node only after it commits, so
a crash anywhere means the node offers the message again and `record` finds it already there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import record_event
from chinhquyen.core.limits import ParseTimeout, time_limit
from chinhquyen.core.rows import for_update, insert_ignoring, insert_row, table, update_row
from chinhquyen.exchange import edxml, registry
from chinhquyen.exchange.edxml import CodecError, ExchangeStatus, Package, StatusMessage
from chinhquyen.exchange.models import Inbox, InboxPayload, InboxState, MessageKind, RecipientStatus
from chinhquyen.exchange.transports.base import Received

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Outcome:
    inbox: Inbox
    created: bool
    #: What to tell the node: True = stored (done), False = unreadable (fail).
    ok: bool
    reason: str = ""


def _new_document_id(message: Package | StatusMessage | None) -> str | None:
    """The DocumentId a new package is unique by at its recipient (`inbox_unique_new_document`)."""
    if isinstance(message, Package) and message.business.doc_type == edxml.BusinessType.NEW:
        return message.effective_document_id
    return None


_NEW_DOCUMENT_CONDITION = f"kind = '{MessageKind.PACKAGE.value}' AND business_type = 'new' AND NOT (state = '{InboxState.INVALID.value}')"


def _find_existing(transport: str, item: Received, sha256: str, *, document_id: str | None = None) -> tuple[Inbox, bool] | None:
    """The row of this message, in one query: by the transport's id, else by its bytes, else (a new
    package, `document_id` given) the valid row of the same document — then True: the same
    document come again by another path, one incoming document."""
    # A plain statement for the keys (every message asks; almost none is found), the row itself
    # through the ORM only when found. Each branch has its unique index.
    sql = f"SELECT id, transport, remote_id, recipient_code, sha256 FROM {table(Inbox)} WHERE (transport = %s AND remote_id = %s) OR (recipient_code = %s AND sha256 = %s)"  # noqa: S608 - names from the model
    params = [transport, item.remote_id, item.recipient_code, sha256]
    if document_id is not None:
        # The constants written out, so that the planner can use the partial unique index
        # `inbox_unique_new_document` (its condition must show in the query, not in parameters).
        sql += f" OR (recipient_code = %s AND document_id = %s AND {_NEW_DOCUMENT_CONDITION})"
        params += [item.recipient_code, document_id]
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY id LIMIT 3", params)
        found = cursor.fetchall()
    if not found:
        return None
    by_id = [pk for pk, t, remote, _r, _s in found if t == transport and remote == item.remote_id]
    by_bytes = [pk for pk, _t, _remote, recipient, digest in found if recipient == item.recipient_code and digest == sha256]
    chosen = (by_id or by_bytes or [found[0][0]])[0]
    return Inbox.objects.get(pk=chosen), not (by_id or by_bytes)


def _again(existing: tuple[Inbox, bool]) -> Outcome:
    row, same_document = existing
    if same_document:
        return Outcome(row, False, True)
    return Outcome(row, False, row.state != InboxState.INVALID, row.error)


def _stored_limits(row: Inbox) -> edxml.Limits:
    """The settings' limits for a message read again from the inbox (it passed them once)."""
    return dataclasses.replace(edxml.Limits.from_settings(), max_bytes=max(row.size, 1))


def _parse_bounded(data: bytes, sha256: str) -> edxml.ParsedMessage:
    """The codec within the settings' limits and FILE_PARSE_SECONDS (a SIGALRM in the worker's
    main thread, not a subprocess: a child per message would cost the exchange its throughput, and
    the codec's readers already work in bounded steps, so the alarm is seen within one of them;
    ADR 0039). Past the time the message is refused as `edxml.timeout` like any other refusal."""
    try:
        with time_limit():
            return edxml.parse(data, limits=edxml.Limits.from_settings(), sha256=sha256)
    except ParseTimeout as exc:
        raise CodecError("edxml.timeout", exc.message) from None


def record(*, transport: str, item: Received, data: bytes) -> Outcome:
    sha256 = hashlib.sha256(data).hexdigest()
    # Parsed before the look-up, so that one query finds it by id, bytes or DocumentId: a message
    # offered again (a crash before the acknowledgement) is rare, every message is parsed anyway.
    try:
        parsed = _parse_bounded(data, sha256)
    except CodecError as exc:
        existing = _find_existing(transport, item, sha256)
        if existing is not None:
            return _again(existing)
        return _record_invalid(
            transport,
            item,
            data,
            sha256,
            exc.code,
            exc.message,
            MessageKind.STATUS if item.message_type == "status" else MessageKind.PACKAGE,
        )
    document_id = _new_document_id(parsed.message)
    existing = _find_existing(transport, item, sha256, document_id=document_id)
    if existing is not None:
        return _again(existing)
    try:
        with transaction.atomic():
            if isinstance(parsed.message, StatusMessage):
                row = _record_status(transport, item, data, parsed)
            else:
                row = _record_package(transport, item, data, parsed)
            if row.state == InboxState.INVALID:
                return Outcome(row, True, False, row.error)
    except IntegrityError:
        # Another worker recorded the same message between our look-up and our insert.
        existing = _find_existing(transport, item, sha256, document_id=document_id)
        if existing is None:
            raise
        return _again(existing)
    return Outcome(row, True, True)


def _create(data: bytes, **fields: Any) -> Inbox:
    """The inbox row and its bytes (`InboxPayload`, written once, apart from the row it updates).
    Plain INSERTs (`core.rows`): no receiver listens to these models' signals."""
    row = insert_row(Inbox(**fields))
    insert_row(InboxPayload(inbox=row, data=data))
    row._payload = data
    return row


def _record_invalid(transport: str, item: Received, data: bytes, sha256: str, code: str, message: str, kind: str) -> Outcome:
    with transaction.atomic():
        row = _create(
            data,
            transport=transport,
            remote_id=item.remote_id,
            kind=kind,
            recipient_code=item.recipient_code,
            sender_code=item.sender_code[:35],
            sha256=sha256,
            size=len(data),
            state=InboxState.INVALID,
            error_code=code,
            error=message[:2000],
        )
        record_event(
            action="exchange.inbound_refused",
            object_type="exchange.inbox",
            object_id=row.pk,
            summary={"code": code, "from": item.sender_code},
        )
    return Outcome(row, True, False, f"{code}: {message}")


def _metadata(parsed: edxml.ParsedMessage) -> dict[str, Any]:
    """The message's JSON, its signature report completed with whether the signer's certificate
    leads to the deployment's trust anchors (`trusted`; `chain_problem` when not): a valid
    signature says the content is what its certificate's key signed, not who that is (ADR 0040)."""
    body = edxml.message_json(parsed)
    if parsed.signature.valid:
        from chinhquyen.signing.xml import certificate_trusted

        trusted, problem = certificate_trusted(parsed.signature.certificates)
        body["signature"]["trusted"] = trusted
        if problem:
            body["signature"]["chain_problem"] = problem
    return body


def _record_package(transport: str, item: Received, data: bytes, parsed: edxml.ParsedMessage) -> Inbox:
    package = parsed.message
    assert isinstance(package, Package)
    metadata = _metadata(parsed)
    common = {
        "transport": transport,
        "remote_id": item.remote_id,
        "kind": MessageKind.PACKAGE,
        "recipient_code": item.recipient_code,
        "sender_code": package.sender.organ_id,
        "document_id": package.effective_document_id,
        "business_type": package.business.doc_type.label,
        "sha256": parsed.sha256,
        "size": parsed.size,
        "metadata": metadata,
    }
    if item.recipient_code not in {o.organ_id for o in package.recipients}:
        row = _create(
            data,
            **common,
            state=InboxState.INVALID,
            error_code="exchange.not_addressed_here",
            error=_("The package is not addressed to %(code)s.") % {"code": item.recipient_code},
        )
        return row
    row = _create(data, **common, state=InboxState.RECEIVED)
    if package.business.doc_type != edxml.BusinessType.RECALL:
        # 01 first: a handler may answer 03 at once, which must follow it.
        from chinhquyen.exchange.services import report_status_on

        report_status_on(row, code=ExchangeStatus.ARRIVED.value)  # the row was just inserted (locked) here
    dispatch(row, package=package)
    record_event(
        action="exchange.package_received",
        object_type="exchange.inbox",
        object_id=row.pk,
        summary={
            "document_id": row.document_id,
            "from": row.sender_code,
            "to": row.recipient_code,
            "business": row.business_type,
            "state": row.state,
        },
    )
    # A status that came before its document (a recall request) is applied now. Looked for with
    # one plain statement (every package asks; almost none finds one): `inbox_state_idx`.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table(Inbox)} WHERE kind = %s AND state = %s AND recipient_code = %s AND document_id = %s",  # noqa: S608 - names from the model
            [MessageKind.STATUS, InboxState.WAITING, row.recipient_code, row.document_id],
        )
        waiting_ids = [found for (found,) in cursor.fetchall()]
    if waiting_ids:
        for waiting in Inbox.objects.filter(pk__in=waiting_ids).order_by("id"):
            _apply_status(waiting, _status_of(waiting))
    return row


def dispatch(row: Inbox, *, package: Package | None = None) -> None:
    """Hand an inbox row to the inbound handlers, inside a savepoint: a handler that raises leaves
    the row FAILED (its writes undone) and nothing else."""
    if package is None:
        parsed = edxml.parse(bytes(row.payload), limits=_stored_limits(row), verify_signature=False)
        assert isinstance(parsed.message, Package)
        package = parsed.message
    meta = row.metadata
    document = registry.InboundDocument(
        inbound_id=row.pk,
        recipient_code=row.recipient_code,
        sender_code=row.sender_code,
        document_id=row.document_id,
        business_type=row.business_type,
        target_document_id=package.business.document_id,
        metadata=meta,
        signature=meta.get("signature", {}),
        attachments=tuple(
            registry.InboundAttachment(
                content_id=a.content_id, name=a.name, content_type=a.content_type, size=a.size, sha256=a.sha256, data=a.data
            )
            for a in package.attachments
        ),
        received_at=row.received_at,
    )
    try:
        with transaction.atomic():
            for handler in registry.inbound_handlers():
                handler(document)
    except Exception as exc:
        log.exception("inbound handler failed for inbox %s", row.pk)
        row.state = InboxState.FAILED
        row.error_code = "exchange.handler_failed"
        row.error = f"{exc.__class__.__name__}: {exc}"[:2000]
    else:
        row.state = InboxState.RECEIVED
        row.error_code = row.error = ""
        row.handled_at = timezone.now() if registry.inbound_handlers() else None
    update_row(row, ["state", "error_code", "error", "handled_at"])


def _status_of(row: Inbox) -> StatusMessage:
    parsed = edxml.parse(bytes(row.payload), limits=_stored_limits(row), verify_signature=False)
    assert isinstance(parsed.message, StatusMessage)
    return parsed.message


def _record_status(transport: str, item: Received, data: bytes, parsed: edxml.ParsedMessage) -> Inbox:
    status = parsed.message
    assert isinstance(status, StatusMessage)
    row = _create(
        data,
        transport=transport,
        remote_id=item.remote_id,
        kind=MessageKind.STATUS,
        recipient_code=item.recipient_code,
        sender_code=status.sender.organ_id,
        document_id=status.response_for.document_id,
        status_code=status.status_code.value,
        sha256=parsed.sha256,
        size=parsed.size,
        metadata=_metadata(parsed),
        state=InboxState.RECEIVED,
    )
    _apply_status(row, status)
    record_event(
        action="exchange.status_received",
        object_type="exchange.inbox",
        object_id=row.pk,
        summary={"document_id": row.document_id, "status": row.status_code, "from": row.sender_code, "state": row.state},
    )
    return row


def _notify(row: Inbox, status: StatusMessage, *, inbound_id: int | None, applied: bool) -> None:
    event = registry.InboundStatus(
        inbound_id=inbound_id,
        document_id=row.document_id,
        from_code=row.sender_code,
        to_code=row.recipient_code,
        status_code=status.status_code.value,
        description=status.description,
        timestamp=status.timestamp,
        staff=dataclasses.asdict(status.staff),
        applied=applied,
    )
    for handler in registry.status_handlers():
        handler(event)


def _apply_status(row: Inbox, status: StatusMessage) -> None:
    from chinhquyen.exchange.services import RECALL_ANSWERS, STATUS_RANK

    code = status.status_code.value
    if code == ExchangeStatus.RECALL_REQUESTED:
        # At the receiver: the sender asks for its document back.
        target = (
            Inbox.objects.select_for_update()
            .filter(kind=MessageKind.PACKAGE, recipient_code=row.recipient_code, document_id=row.document_id, business_type="new")
            .exclude(state=InboxState.INVALID)
            .first()
        )
        if target is None:
            row.state = InboxState.WAITING
            row.save(update_fields=["state"])
            return
        if target.recall_status not in RECALL_ANSWERS:
            target.recall_status = code
            target.save(update_fields=["recall_status"])
        row.state = InboxState.RECEIVED
        row.save(update_fields=["state"])
        _notify(row, status, inbound_id=target.pk, applied=True)
        return
    # At the sender: a recipient tells us where our document stands. Only forward.
    current = _recipient_status(row.document_id, row.sender_code)
    applied = False
    if code in RECALL_ANSWERS:
        if current.recall_status not in RECALL_ANSWERS:
            current.recall_status = code
            applied = True
    elif STATUS_RANK.get(code, 0) > STATUS_RANK.get(current.status_code, 0):
        current.status_code = code
        current.description = status.description[:500]
        applied = True
    if applied:
        update_row(current, ["status_code", "description", "recall_status", "updated_at"])
    _notify(row, status, inbound_id=None, applied=applied)


def _recipient_status(document_id: str, recipient_code: str) -> RecipientStatus:
    """The sender's record of one recipient's status for a document, locked until commit (created
    if the package was queued before the record existed). Plain statements: every status received
    passes here (W5), and `RecipientStatus` has no signal receivers."""
    read = f"SELECT id, status_code, description, recall_status FROM {table(RecipientStatus)} WHERE document_id = %s AND recipient_code = %s{for_update()}"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        cursor.execute(read, [document_id, recipient_code])
        found = cursor.fetchone()
        if found is None:
            insert_ignoring(RecipientStatus(document_id=document_id, recipient_code=recipient_code), ["document_id", "recipient_code"])
            cursor.execute(read, [document_id, recipient_code])
            found = cursor.fetchone()
    pk, status_code, description, recall_status = found
    return RecipientStatus(
        pk=pk,
        document_id=document_id,
        recipient_code=recipient_code,
        status_code=status_code,
        description=description,
        recall_status=recall_status,
    )
