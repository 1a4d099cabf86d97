"""The office on the document exchange (issue 7 item 4): documents.hooks ↔ exchange.

- **Sending** (`Transport`): `issue_document()` hands each outside recipient to `enqueue()`
  inside the issuing transaction; one edXML package per recipient goes to exchange's outbox there
  (a rolled-back issue sends nothing). Secret documents never get here (documents keeps them on
  paper) and exchange refuses them again. The recipient's `transport_reference` is the edXML
  DocumentId, which is how the statuses coming back find it.
- **Statuses at the sender** (`on_status`): 01…06 and 15/16 from a recipient become the
  recipient's status timeline on the document page (`services.record_recipient_status`).
- **Receiving** (`on_package`): a package for one of our agencies becomes an incoming document in
  its clerk's "to register" list (`services.receive_incoming_document`), metadata filled from the
  edXML header, PDFs validated on storage (signing), the XML signature's result on the timeline.
  Deduplicated by (agency, DocumentId) on top of exchange's own inbox uniqueness.
- **Statuses at the receiver** (`on_incoming_saved`): when an electronic incoming document reaches
  registered / assigned / in progress / completed, 03 / 04 / 05 / 06 is queued back to the sender
  (exchange refuses going backwards; skipped steps are fine). 01 is exchange's own, on fetch.
- **Recall**: at the sender, `Transport.recall` asks each outside recipient (13) and the timeline
  shows it; at the receiver, a 13 (or a recall package) cancels the incoming document with a trace
  — as documents does for recipients inside the deployment — and answers 15.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.core.rows import table
from chinhquyen.documents import hooks

logger = logging.getLogger(__name__)

NAME = "exchange"
#: documents' urgency → edXML Priority (0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc).
PRIORITY = {"": 0, "urgent": 1, "very_urgent": 2, "immediate": 3}
URGENCY = {v: k for k, v in PRIORITY.items()}
#: documents' incoming status → the edXML status the receiver reports (STANDARDS §1.8).
STATUS_FOR = {"registered": "03", "assigned": "04", "in_progress": "05", "completed": "06"}


def _read(path: str) -> bytes:
    with default_storage.open(path, "rb") as fh:
        return fh.read()  # type: ignore[no-any-return]


class Transport:
    """`hooks.OutgoingTransport` through exchange's outbox (hub, national axis or LGSP per `EXCHANGE_TRANSPORT`)."""

    name = NAME

    def accepts(self, dispatch: hooks.Dispatch) -> bool:
        from chinhquyen.exchange import edxml

        return bool(edxml.ORGAN_ID_RE.match(dispatch.recipient.code) and edxml.ORGAN_ID_RE.match(dispatch.sender_code))

    def enqueue(self, dispatch: hooks.Dispatch) -> str:
        from chinhquyen.exchange import edxml, services

        business = (
            edxml.Business(doc_type=edxml.BusinessType.REPLACE, document_id=dispatch.replaces_document_id)
            if dispatch.replaces_document_id
            else edxml.Business()
        )
        package = edxml.Package(
            sender=services.organ_for(dispatch.sender_code, name=dispatch.sender_name),
            recipients=(services.organ_for(dispatch.recipient.code, name=dispatch.recipient.name),),
            code_number=dispatch.code_number,
            code_notation=dispatch.code_notation,
            promulgation_date=dispatch.issued_date,
            subject=dispatch.subject,
            document_type=edxml.DocumentType(1, 0, dispatch.document_type_name),
            signer=edxml.Signer("", dispatch.signer_position, dispatch.signer_name),
            priority=PRIORITY.get(dispatch.urgency, 0),
            page_amount=dispatch.page_count,
            due_date=dispatch.due_date,
            business=business,
            attachments=tuple(
                edxml.Attachment(f"cid:{index}", ref.name, _read(ref.path)) for index, ref in enumerate(dispatch.files, start=1)
            ),
            document_id=dispatch.edxml_document_id,
        )
        services.queue_package(package=package, secrecy="")
        return dispatch.edxml_document_id

    def recall(self, dispatch: hooks.Dispatch, reason: str) -> None:
        from chinhquyen.documents import services as documents
        from chinhquyen.exchange import services

        services.request_recall(
            document_id=dispatch.edxml_document_id,
            sender=services.organ_for(dispatch.sender_code, name=dispatch.sender_name),
            recipients=[dispatch.recipient.code],
            promulgation_date=dispatch.issued_date,
            code=f"{dispatch.code_number}/{dispatch.code_notation}",
            description=reason[:500],
        )
        documents.record_recipient_status(recipient_id=dispatch.recipient.recipient_id, status_code="13", description=reason)


# --- At the sender ------------------------------------------------------------------------------


def on_status(status: Any) -> None:
    """exchange status handler (runs inside exchange's inbox transaction)."""
    if status.status_code == "13":
        if status.inbound_id is not None:
            _recall_received(status.inbound_id, status.description)
        return
    if not status.applied:
        return  # a late lower status: nothing changed
    from chinhquyen.documents import services
    from chinhquyen.documents.models import OutgoingRecipient

    # The key only, in one plain statement (`out_recipient_reference_idx`): every status received
    # asks (W5), and `record_recipient_status` reads the row itself.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table(OutgoingRecipient)} WHERE transport_reference = %s AND code = %s AND transport = %s ORDER BY id DESC LIMIT 1",  # noqa: S608 - names from the model
            [status.document_id[:200], status.from_code, NAME],
        )
        found = cursor.fetchone()
    if found is None:
        logger.info("status %s for %s from %s: no such recipient here", status.status_code, status.document_id, status.from_code)
        return
    services.record_recipient_status(recipient_id=found[0], status_code=status.status_code, description=status.description)


def timelines(document: Any, recipients: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Each outside recipient with its status events, oldest first (the sender's document page)."""
    from chinhquyen.documents.models import DocumentEvent, EventKind

    outside = [r for r in recipients if r.agency_id is None]
    if not outside:
        return []
    by_recipient: dict[int, list[Any]] = {r.pk: [] for r in outside}
    for event in DocumentEvent.objects.filter(outgoing=document, kind=EventKind.DELIVERED, data__has_key="status").order_by("at", "pk"):
        rid = (event.data or {}).get("recipient")
        if rid in by_recipient:
            by_recipient[rid].append(event)
    return [(r, by_recipient[r.pk]) for r in outside]


# --- At the receiver ----------------------------------------------------------------------------


def _agency(code: str) -> Any:
    """The current agency `code`: its key in one plain statement, the row through the ORM when
    there is one (each package received asks; a package for an agency not in this tree is not
    rare on a province's axis)."""
    from chinhquyen.organizations.models import Agency

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table(Agency)} WHERE code = %s AND valid_to IS NULL ORDER BY valid_from DESC LIMIT 1",  # noqa: S608 - names from the model
            [code],
        )
        found = cursor.fetchone()
    return Agency.objects.get(pk=found[0]) if found else None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _document_type(meta: dict[str, Any]) -> str:
    from chinhquyen.documents.reference import type_by_name_or_abbreviation

    name = str((meta.get("document_type") or {}).get("type_name") or "")
    if type_by_name_or_abbreviation(name) is not None:
        return name
    notation = str(meta.get("code_notation") or "")
    abbreviation = notation.split("-", 1)[0]
    return abbreviation if type_by_name_or_abbreviation(abbreviation) is not None else "Công văn"


def incoming_input(package: Any) -> Any:
    """The edXML header (Phụ lục VI Part II.I) as documents' IncomingInput."""
    from chinhquyen.documents.services import IncomingInput

    meta = package.metadata
    sender = meta.get("from") or {}
    signer = meta.get("signer") or {}
    return IncomingInput(
        issuer_name=(sender.get("organ_name") or package.sender_code)[:250],
        issuer_code=package.sender_code,
        code_number=str(meta.get("code_number") or "")[:11],
        code_notation=str(meta.get("code_notation") or "")[:30],
        issued_date=_date(meta.get("promulgation_date")) or package.received_at.date(),
        document_type=_document_type(meta),
        subject=str(meta.get("subject") or "")[:500] or "(không có trích yếu)",
        urgency=URGENCY.get(int(meta.get("priority") or 0), ""),
        page_count=meta.get("page_amount") if isinstance(meta.get("page_amount"), int) and 0 < meta["page_amount"] <= 999 else None,
        signer_name=str(signer.get("full_name") or "")[:100],
        signer_position=str(signer.get("position") or "")[:100],
        document_id=package.document_id[:100],
        due_date=_date(meta.get("due_date")),
    )


def on_package(package: Any) -> None:
    """exchange inbound handler: runs once, inside the inbox transaction (its writes commit with it)."""
    from chinhquyen.documents import services
    from chinhquyen.documents.models import EventKind, IncomingDocument, Source

    agency = _agency(package.recipient_code)
    if agency is None:
        # Routed to this deployment by the node's directory but not an agency of its tree (yet):
        # the package stays in exchange's inbox (operators' page); the office has no clerk for it.
        logger.warning("package %s for %s: no such agency in this deployment", package.document_id, package.recipient_code)
        return
    if package.business_type in ("recall", "replace") and package.target_document_id:
        _cancel(agency, package.target_document_id, _("Recalled by the sender (package %(id)s).") % {"id": package.document_id})
    if package.business_type == "recall":
        return
    if IncomingDocument.objects.filter(agency=agency, edxml_document_id=package.document_id[:100], source=Source.ELECTRONIC).exists():
        return  # the same document received again (another path, a resend): one incoming document
    from chinhquyen.core import uploads
    from chinhquyen.documents import files

    readable, refused = [], []
    for attachment in package.attachments:
        try:
            files.check_upload((attachment.name, attachment.data), allowed=uploads.EXCHANGE_ATTACHMENT)
        except DomainError as exc:  # kept out, said on the timeline: the document itself is not lost
            refused.append(f"{attachment.name}: {exc.message}")
        else:
            readable.append((attachment.name, attachment.data))
    document = services.receive_incoming_document(agency=agency, data=incoming_input(package), source=Source.ELECTRONIC, files_in=readable)
    if refused:
        text = _("Files of the package not kept (ask the sender again): %(files)s") % {"files": "; ".join(refused)}
        services._event(document, EventKind.RECEIVED, None, services._now(None), text[:500], data={"refused_files": refused})
    signature = package.signature or {}
    if not signature.get("present"):
        text = _("The edXML package carried no XML signature.")
    elif signature.get("valid") and signature.get("trusted") is False:
        text = _(
            "The edXML package's XML signature is intact (%(signer)s), but the signer's certificate does not lead to a trusted root: "
            "who signed is not confirmed."
        ) % {"signer": signature.get("signer") or "—"}
    elif signature.get("valid"):
        text = _("The edXML package's XML signature is valid (%(signer)s).") % {"signer": signature.get("signer") or "—"}
    else:
        text = _("The edXML package's XML signature is NOT valid: %(reason)s.") % {"reason": signature.get("reason") or "—"}
    services._event(document, EventKind.RECEIVED, None, services._now(None), text, data={"edxml_signature": signature})


def _cancel(agency: Any, document_id: str, reason: str) -> list[Any]:
    from chinhquyen.documents import services
    from chinhquyen.documents.models import EventKind, IncomingDocument, IncomingStatus, Source
    from chinhquyen.organizations.models import Role

    at = services._now(None)
    cancelled = []
    for incoming in (
        IncomingDocument.objects.select_for_update()
        .filter(agency=agency, edxml_document_id=document_id[:100], source=Source.ELECTRONIC)
        .exclude(status=IncomingStatus.CANCELLED)
    ):
        incoming.status = IncomingStatus.CANCELLED
        incoming.cancel_reason = reason[:500]
        incoming.save(update_fields=["status", "cancel_reason"])
        incoming.assignments.filter(active=True).update(active=False)
        text = _("Cancelled: the sender recalled it (%(reason)s).") % {"reason": reason}
        services._event(incoming, EventKind.CANCELLED, None, at, text, data={"status": "13"})
        services._audit("incoming.cancelled", incoming, None, {"reason": reason, "via": NAME})
        people = services._holders(incoming.agency_id, Role.CLERK)
        people += [p for p in [incoming.lead_handler, incoming.presented_to] if p is not None]
        services._notify(people, incoming, text, at, email=False)
        cancelled.append(incoming)
    return cancelled


def _recall_received(inbound_id: int, reason: str) -> None:
    """Status 13 about a package we received: cancel the document (art. 18.4.b) and accept (15)."""
    from chinhquyen.exchange import services
    from chinhquyen.exchange.models import Inbox

    row = Inbox.objects.filter(pk=inbound_id).first()
    if row is None:
        return
    agency = _agency(row.recipient_code)
    if agency is None:
        return  # not an agency of the office here: nothing to cancel, nobody to answer for it
    _cancel(agency, row.document_id, reason or _("recall requested"))
    services.report_status(inbound=inbound_id, code="15")


def _inbox_row(agency_id: int, document_id: str) -> Any:
    from chinhquyen.exchange.models import Inbox, InboxState, MessageKind
    from chinhquyen.organizations.models import Agency

    code = Agency.objects.filter(pk=agency_id).values_list("code", flat=True).first()
    return (
        Inbox.objects.filter(kind=MessageKind.PACKAGE, recipient_code=code, document_id=document_id)
        .exclude(state=InboxState.INVALID)
        .order_by("-pk")
        .first()
    )


def report_progress(document: Any) -> None:
    """Queue the edXML status matching an electronic incoming document's status (03/04/05/06)."""
    code = STATUS_FOR.get(document.status)
    if code is None or document.source != "electronic" or not document.edxml_document_id:
        return
    from chinhquyen.exchange import services

    row = _inbox_row(document.agency_id, document.edxml_document_id)
    if row is None or row.recall_status:
        return
    from chinhquyen.exchange.services import STATUS_RANK

    if STATUS_RANK.get(code, 0) <= STATUS_RANK.get(row.reported_status, 0):
        return
    staff = {"staff": str(document.registered_by or "")[:100]} if document.registered_by_id else None
    services.report_status(inbound=row, code=code, staff=staff)


def reject_received(*, actor: Any, document: Any, reason: str) -> Any:
    """The clerk refuses an electronic document received by mistake (wrong recipient, unreadable…):
    it leaves the "to register" list with the reason on its timeline, and status 02 goes back to
    the sender with that reason (STANDARDS §1.8; exchange requires one)."""
    from chinhquyen.documents import access, services
    from chinhquyen.documents.models import EventKind, IncomingDocument, IncomingStatus, Source
    from chinhquyen.exchange import services as exchange

    access.require(access.is_clerk(access.scope_of(actor), document.agency_id))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("documents.reason_required", _("Give the reason for rejecting the document."), fields={"reason": "required"})
    at = services._now(None)
    with transaction.atomic():
        document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        if document.status != IncomingStatus.RECEIVED or document.source != Source.ELECTRONIC:
            raise DomainError("documents.wrong_status", _("Only an electronic document not yet registered can be rejected."))
        row = _inbox_row(document.agency_id, document.edxml_document_id)
        document.status = IncomingStatus.CANCELLED
        document.cancel_reason = reason[:500]
        document.save(update_fields=["status", "cancel_reason"])
        services._event(document, EventKind.CANCELLED, actor, at, _("Rejected: %(reason)s") % {"reason": reason}, data={"status": "02"})
        services._audit("incoming.rejected", document, actor, {"reason": reason})
        if row is not None:
            exchange.report_status(inbound=row, code="02", description=reason[:500], actor=actor)
    return document
