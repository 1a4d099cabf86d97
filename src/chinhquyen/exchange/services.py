"""What other apps call to exchange documents (the office calls these; it never touches the models).

    queue_package(package=…, secrecy=None, actor=…)           → Outbox    (send a document)
    report_status(inbound=…, code="03", description=…, …)      → Outbox|None (answer a sender)
    request_recall(document_id=…, sender=…, recipients=…, …)   → [Outbox] (status 13)
    retry_dead_letter(outbox=…, actor=…), retry_inbound(inbox=…, actor=…)   (operators)

Each runs in one transaction (joining the caller's), writes an audit event, and only queues:
the delivery worker (`exchange.delivery`, `chinhquyen exchange worker`) does the sending. So
nothing is sent for a change that rolled back, and nothing is lost for one that committed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError, NotFound
from chinhquyen.core.rows import for_update, insert_ignoring, insert_row, table, update_row
from chinhquyen.exchange import edxml
from chinhquyen.exchange.edxml import BusinessType, ExchangeStatus, Organ, Package, StaffInfo, StatusMessage
from chinhquyen.exchange.edxml.model import full_code
from chinhquyen.exchange.edxml.parse import parse_status_code
from chinhquyen.exchange.models import Inbox, InboxState, MessageKind, Outbox, OutboxPayload, OutboxState, RecipientStatus

#: Secrecy values that never leave through the exchange (GLOSSARY: Secrecy.CONFIDENTIAL/SECRET/TOP_SECRET).
_OPEN_SECRECY = {"", "none", "normal", "0"}

#: Order of the handling statuses: a status only replaces one of a lower rank (02 and 03 are
#: alternatives at the same step). The recall track (13 → 15 | 16) is kept apart.
STATUS_RANK = {"01": 1, "02": 2, "03": 2, "04": 3, "05": 4, "06": 5}
RECALL_ANSWERS = {ExchangeStatus.RECALL_ACCEPTED.value, ExchangeStatus.RECALL_REFUSED.value}
RECEIVER_CODES = set(STATUS_RANK) | RECALL_ANSWERS


@functools.cache
def _signing_key() -> Any:
    if not settings.EXCHANGE_SIGNING_KEY_FILE:
        return None
    from chinhquyen.exchange.signatures import XmlSigningKey

    return XmlSigningKey.from_pem_files(settings.EXCHANGE_SIGNING_KEY_FILE, settings.EXCHANGE_SIGNING_CERT_FILE)


def organ_for(code: str, *, name: str = "") -> Organ:
    """An `Organ` for an agency code, with its name and managing body from the agency tree when known."""
    from chinhquyen.organizations.models import Agency

    # Two columns in one plain statement: every status message a receiver answers asks this (W5),
    # and building the ORM query cost ten times the statement.
    agencies = table(Agency)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.name, p.name FROM {agencies} a LEFT JOIN {agencies} p ON p.id = a.parent_id"  # noqa: S608 - names from the model
            " WHERE a.code = %s ORDER BY a.valid_from DESC LIMIT 1",
            [code],
        )
        found = cursor.fetchone()
    if found is None:
        return Organ(organ_id=code, organ_name=name)
    agency_name, parent_name = found
    return Organ(organ_id=code, organ_name=name or agency_name, organization_in_charge=parent_name or "")


def _now_local() -> dt.datetime:
    return timezone.localtime().replace(tzinfo=None, microsecond=0)


def _add_outbox(
    *,
    kind: str,
    data: bytes,
    sender_code: str,
    recipient_codes: list[str],
    document_id: str,
    business_type: str = "",
    status_code: str = "",
    inbox: Inbox | None = None,
) -> Outbox:
    # Plain INSERTs (`core.rows`): every package and status passes here, no receiver listens to
    # these models' signals.
    row = Outbox(
        kind=kind,
        transport=settings.EXCHANGE_TRANSPORT,
        sender_code=sender_code,
        recipient_codes=recipient_codes,
        document_id=document_id,
        business_type=business_type,
        status_code=status_code,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        next_attempt_at=timezone.now(),
        inbox=inbox,
    )
    insert_row(row)
    insert_row(OutboxPayload(outbox=row, data=data))
    row._payload = data
    return row


def queue_package(*, package: Package, secrecy: str | None = None, actor: Any | None = None) -> Outbox:
    """Queue `package` for every recipient, in the caller's transaction.

    Refuses (`DomainError`): a secret document (`exchange.secret_refused`: documents marked
    confidential, secret or top secret never leave through the exchange), no recipient, an agency
    code the axis cannot route. The package is built (and signed, when a key is configured) now,
    so the bytes sent later are exactly those of the committed change.
    """
    if (secrecy or "").strip().lower() not in _OPEN_SECRECY:
        raise DomainError(
            "exchange.secret_refused", _("Secret documents are never sent through the document exchange."), fields={"secrecy": secrecy}
        )
    if not package.recipients:
        raise DomainError("exchange.no_recipient", _("A package needs at least one recipient."))
    for organ in (package.sender, *package.recipients):
        if not edxml.ORGAN_ID_RE.match(organ.organ_id):
            raise DomainError(
                "exchange.bad_agency_code", _("%(code)s is not an agency code the exchange can route.") % {"code": organ.organ_id}
            )
    package = package.completed()
    if not package.trace_headers:
        package = dataclasses.replace(package, trace_headers=(edxml.TraceHeader(package.sender.organ_id, _now_local()),))
    data = edxml.build_package(package, signing_key=_signing_key())
    recipients = [o.organ_id for o in package.recipients]
    with transaction.atomic():
        row = _add_outbox(
            kind=MessageKind.PACKAGE,
            data=data,
            sender_code=package.sender.organ_id,
            recipient_codes=recipients,
            document_id=package.document_id,
            business_type=package.business.doc_type.label,
        )
        if package.business.doc_type == BusinessType.NEW:
            for code in recipients:  # kept if the document was sent before (one record per recipient)
                insert_ignoring(RecipientStatus(document_id=package.document_id, recipient_code=code), ["document_id", "recipient_code"])
        record_event(
            action="exchange.package_queued",
            actor=actor,
            object_type="exchange.outbox",
            object_id=row.pk,
            summary={"document_id": package.document_id, "to": recipients, "business": package.business.doc_type.label, "size": len(data)},
        )
    return row


def _status_message(*, inbound: Inbox, code: str, description: str, staff: StaffInfo) -> StatusMessage:
    meta = inbound.metadata
    promulgation = meta.get("promulgation_date")
    return StatusMessage(
        sender=organ_for(inbound.recipient_code),
        response_for=edxml.ResponseFor(
            organ_id=inbound.sender_code,
            code=full_code(meta.get("code_number", ""), meta.get("code_notation", "")),
            promulgation_date=dt.date.fromisoformat(promulgation) if promulgation else None,
            document_id=inbound.document_id,
        ),
        status_code=ExchangeStatus(code),
        timestamp=_now_local(),
        description=description or edxml.STATUS_DESCRIPTIONS[ExchangeStatus(code)],
        staff=staff,
    )


def _staff(staff: StaffInfo | dict[str, str] | None) -> StaffInfo:
    if isinstance(staff, StaffInfo):
        return staff
    return StaffInfo(**{k: str(v) for k, v in (staff or {}).items() if k in StaffInfo.__dataclass_fields__})


def report_status(
    *, inbound: Inbox | int, code: str, description: str = "", staff: StaffInfo | dict[str, str] | None = None, actor: Any | None = None
) -> Outbox | None:
    """Queue a status message about an incoming package back to its sender.

    `code`: 01 arrived (sent automatically on fetch), 02 rejected (a reason in `description` is
    required), 03 registered, 04 assigned, 05 being handled, 06 completed; 15/16 accept or refuse
    a recall or an update. Statuses only move forward: the same code again changes nothing and
    returns None; a lower one is refused (`exchange.status_backwards`).
    """
    with transaction.atomic():
        row = _locked_inbox(inbound.pk if isinstance(inbound, Inbox) else inbound)
        if row is None or row.kind != MessageKind.PACKAGE or row.state == InboxState.INVALID:
            raise NotFound("exchange.inbound_not_found", _("There is no such incoming package."))
        return report_status_on(row, code=code, description=description, staff=staff, actor=actor)


def _locked_inbox(pk: int) -> Inbox | None:
    """The inbox row `pk`, locked until commit: a raw query (no query building; each status a
    receiver answers reads it, W5), the row built by the ORM from what it returns."""
    return next(iter(Inbox.objects.raw(f"SELECT * FROM {table(Inbox)} WHERE id = %s{for_update()}", [pk])), None)  # noqa: S608 - names from the model


def report_status_on(
    row: Inbox, *, code: str, description: str = "", staff: StaffInfo | dict[str, str] | None = None, actor: Any | None = None
) -> Outbox | None:
    """`report_status` for an inbox row the caller holds locked in its transaction (read with
    `select_for_update`, or inserted by it: `inbound.record` answers 01 on the row it just wrote).
    Runs in that transaction (no savepoint of its own: a refusal comes before any write)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("report_status_on must run inside the transaction that holds the inbox row")
    code = parse_status_code(code).value if code.strip() else code
    if code not in RECEIVER_CODES:
        raise DomainError("exchange.status_not_allowed", _("A receiver cannot send status %(code)s.") % {"code": code})
    if code == ExchangeStatus.REJECTED and not description.strip():
        raise DomainError("exchange.reason_required", _("Give the reason for rejecting the document."), fields={"description": "required"})
    if code in RECALL_ANSWERS:
        if row.recall_status in RECALL_ANSWERS:
            if row.recall_status == code:
                return None
            raise DomainError("exchange.status_backwards", _("The recall was already answered."))
        if row.recall_status != ExchangeStatus.RECALL_REQUESTED and row.business_type not in {"recall", "update", "replace"}:
            raise DomainError("exchange.no_recall_pending", _("No recall or update was asked for this document."))
        row.recall_status = code
    else:
        current = STATUS_RANK.get(row.reported_status, 0)
        if row.reported_status == code:
            return None
        if STATUS_RANK[code] <= current:
            raise DomainError(
                "exchange.status_backwards",
                _("Status %(code)s cannot follow %(current)s: statuses only move forward.")
                % {"code": code, "current": row.reported_status},
            )
        row.reported_status = code
    update_row(row, ["reported_status", "recall_status"])
    message = _status_message(inbound=row, code=code, description=description, staff=_staff(staff))
    out = _add_outbox(
        kind=MessageKind.STATUS,
        data=edxml.build_status(message, signing_key=_signing_key()),
        sender_code=row.recipient_code,
        recipient_codes=[row.sender_code],
        document_id=row.document_id,
        status_code=code,
        inbox=row,
    )
    record_event(
        action="exchange.status_queued",
        actor=actor,
        object_type="exchange.inbox",
        object_id=row.pk,
        summary={"document_id": row.document_id, "status": code, "to": row.sender_code},
    )
    return out


def request_recall(
    *,
    document_id: str,
    sender: Organ,
    recipients: list[str],
    promulgation_date: dt.date | None = None,
    code: str = "",
    description: str = "",
    actor: Any | None = None,
) -> list[Outbox]:
    """Ask recipients to give a document back (status 13, §1.9); they answer 15 or 16."""
    rows = []
    with transaction.atomic():
        for recipient in recipients:
            message = StatusMessage(
                sender=sender,
                response_for=edxml.ResponseFor(
                    organ_id=sender.organ_id, code=code, promulgation_date=promulgation_date, document_id=document_id
                ),
                status_code=ExchangeStatus.RECALL_REQUESTED,
                timestamp=_now_local(),
                description=description or edxml.STATUS_DESCRIPTIONS[ExchangeStatus.RECALL_REQUESTED],
            )
            rows.append(
                _add_outbox(
                    kind=MessageKind.STATUS,
                    data=edxml.build_status(message, signing_key=_signing_key()),
                    sender_code=sender.organ_id,
                    recipient_codes=[recipient],
                    document_id=document_id,
                    status_code=ExchangeStatus.RECALL_REQUESTED.value,
                )
            )
            status, _created = RecipientStatus.objects.get_or_create(document_id=document_id, recipient_code=recipient)
            if status.recall_status not in RECALL_ANSWERS:
                status.recall_status = ExchangeStatus.RECALL_REQUESTED.value
                status.save(update_fields=["recall_status", "updated_at"])
        record_event(
            action="exchange.recall_requested",
            actor=actor,
            object_type="exchange.document",
            object_id=document_id[:64],
            summary={"to": recipients},
        )
    return rows


def retry_dead_letter(*, outbox: Outbox | int, actor: Any | None = None) -> Outbox:
    """Send a dead letter again (after the operator fixed what the hub refused)."""
    with transaction.atomic():
        row = Outbox.objects.select_for_update().filter(pk=outbox.pk if isinstance(outbox, Outbox) else outbox).first()
        if row is None:
            raise NotFound("exchange.outbox_not_found", _("There is no such outgoing message."))
        if row.state != OutboxState.DEAD:
            raise DomainError("exchange.not_dead_letter", _("Only a refused message can be sent again."))
        row.state = OutboxState.PENDING
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.locked_until = None
        row.save(update_fields=["state", "attempts", "next_attempt_at", "locked_until"])
        record_event(
            action="exchange.dead_letter_retried",
            actor=actor,
            object_type="exchange.outbox",
            object_id=row.pk,
            summary={"document_id": row.document_id},
        )
    return row


def retry_inbound(*, inbox: Inbox | int, actor: Any | None = None) -> Inbox:
    """Hand a message whose handler failed to the handlers again."""
    from chinhquyen.exchange import inbound

    with transaction.atomic():
        row = Inbox.objects.select_for_update().filter(pk=inbox.pk if isinstance(inbox, Inbox) else inbox).first()
        if row is None:
            raise NotFound("exchange.inbound_not_found", _("There is no such incoming package."))
        if row.state != InboxState.FAILED:
            raise DomainError("exchange.not_failed", _("Only a message whose handling failed can be handed over again."))
        inbound.dispatch(row)
        record_event(
            action="exchange.inbound_retried", actor=actor, object_type="exchange.inbox", object_id=row.pk, summary={"state": row.state}
        )
    return row


def is_duplicate_error(exc: IntegrityError) -> bool:
    return "unique" in str(exc).lower()
