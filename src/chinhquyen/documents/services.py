"""Every write of the electronic office (Decree 30/2020/NĐ-CP; STANDARDS §2; issue 4).

Each service validates everything first, then runs in one transaction with its audit event,
its timeline event and its side effects queued (notifications, e-mails, dispatches): a refusal
(`DomainError`) or a failure leaves nothing half-saved.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core import uploads
from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError, PermissionDenied
from chinhquyen.core.folding import fold
from chinhquyen.core.rows import insert_row
from chinhquyen.core.tasks import queue_email
from chinhquyen.documents import access, files, hooks
from chinhquyen.documents.access import Scope
from chinhquyen.documents.models import (
    AgencyRules,
    Assignment,
    AssignmentRole,
    Attachment,
    AttachmentKind,
    Direction,
    DocumentEvent,
    EventKind,
    IncomingDocument,
    IncomingStatus,
    L,
    Notification,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingStatus,
    Register,
    SeriesPurpose,
    Source,
)
from chinhquyen.documents.numbering import VIETNAM, take_number, take_number_into, year_of
from chinhquyen.documents.reference import (
    URGENCY_RANK,
    DocumentType,
    Secrecy,
    Urgency,
    build_notation,
    format_number,
    is_valid_notation,
    is_valid_number,
    type_by_name_or_abbreviation,
)
from chinhquyen.organizations.models import Account, Agency, Role, RoleAssignment, Unit
from chinhquyen.workdays import engine

Document = IncomingDocument | OutgoingDocument


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def _field_error(code: str, field: str, message: str) -> DomainError:
    return DomainError(code, message, fields={field: [message]})


def _vn_date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(VIETNAM)
    return value.strftime("%d/%m/%Y")


def rules_of(agency: Agency | int) -> AgencyRules:
    agency_id = agency if isinstance(agency, int) else agency.pk
    rules = AgencyRules.objects.filter(agency_id=agency_id).first()
    return rules or AgencyRules(agency_id=agency_id)


# --- Registers ---------------------------------------------------------------------------------
def ensure_registers(agency: Agency) -> dict[tuple[str, str], Register]:
    """The default registers of an agency (created when missing): incoming and outgoing, each
    with an administrative and a secret series (art. 15.2, 16.3, 22.4), plus the copies series
    (Phụ lục I Part II)."""
    defaults = [
        (Direction.INCOMING, SeriesPurpose.ADMINISTRATIVE, "Sổ đăng ký văn bản đến"),
        (Direction.INCOMING, SeriesPurpose.SECRET, "Sổ đăng ký văn bản đến mật"),
        (Direction.OUTGOING, SeriesPurpose.ADMINISTRATIVE, "Sổ đăng ký văn bản đi"),
        (Direction.OUTGOING, SeriesPurpose.SECRET, "Sổ đăng ký văn bản đi mật"),
        (Direction.OUTGOING, SeriesPurpose.COPY, "Sổ đăng ký bản sao văn bản"),
    ]
    found: dict[tuple[str, str], Register] = {}
    existing = list(Register.objects.filter(agency=agency, active=True).order_by("pk"))
    for register in existing:
        found.setdefault((register.direction, register.purpose), register)
    missing = [(d, p, n) for d, p, n in defaults if (d, p) not in found]
    if missing:
        with transaction.atomic():
            for direction, purpose, name in missing:
                register, created = Register.objects.get_or_create(
                    agency=agency, direction=direction, name=name, defaults={"purpose": purpose}
                )
                found[(direction, purpose)] = register
                if created:
                    record_event(
                        action="register.created",
                        agency_id=agency.pk,
                        object_type="register",
                        object_id=register.pk,
                        summary={"name": name, "direction": direction, "purpose": purpose},
                    )
    return found


def create_register(
    *,
    agency: Agency,
    direction: str,
    name: str,
    purpose: str = SeriesPurpose.ADMINISTRATIVE,
    document_types: Sequence[str] = (),
    notation_abbreviation: str = "",
    keepers: Iterable[Account] = (),
    actor: Account | None = None,
) -> Register:
    """A register with its own series: per type, for an advisory council, for secret documents…"""
    name = _nfc(name)
    if not name:
        raise _field_error("register.name_required", "name", _("The register needs a name."))
    unknown = [t for t in document_types if t not in DocumentType.values]
    if unknown:
        raise _field_error("documents.type_unknown", "document_types", _("Unknown document type: %(value)s.") % {"value": unknown[0]})
    if purpose == SeriesPurpose.ADVISORY and not notation_abbreviation:
        raise _field_error(
            "register.advisory_abbreviation",
            "notation_abbreviation",
            _("An advisory council's register needs the council's abbreviation for its notations."),
        )
    with transaction.atomic():
        if Register.objects.filter(agency=agency, direction=direction, name=name).exists():
            raise _field_error("register.name_taken", "name", _("This agency already has a register with this name."))
        register = Register.objects.create(
            agency=agency,
            direction=direction,
            name=name,
            purpose=purpose,
            document_types=list(document_types),
            notation_abbreviation=notation_abbreviation,
        )
        register.keepers.set(list(keepers))
        record_event(
            action="register.created",
            actor=actor,
            agency_id=agency.pk,
            object_type="register",
            object_id=register.pk,
            summary={"name": name, "direction": direction, "purpose": purpose, "document_types": list(document_types)},
        )
    return register


def incoming_register_for(agency: Agency, secrecy: str) -> Register:
    registers = ensure_registers(agency)
    return registers[(Direction.INCOMING, SeriesPurpose.SECRET if secrecy else SeriesPurpose.ADMINISTRATIVE)]


def outgoing_register_for(agency: Agency, document_type: str, secrecy: str) -> Register:
    """Secret documents → the secret series; else a register that claims the type, else the shared one."""
    registers = ensure_registers(agency)
    if secrecy:
        return registers[(Direction.OUTGOING, SeriesPurpose.SECRET)]
    for register in Register.objects.filter(
        agency=agency, direction=Direction.OUTGOING, purpose=SeriesPurpose.ADMINISTRATIVE, active=True
    ).order_by("pk"):
        if document_type in (register.document_types or []):
            return register
    return registers[(Direction.OUTGOING, SeriesPurpose.ADMINISTRATIVE)]


# --- Events, notifications -----------------------------------------------------------------------
def _event(
    document: Document,
    kind: str,
    actor: Account | None,
    at: dt.datetime,
    text: str = "",
    *,
    old_due_at: dt.datetime | None = None,
    new_due_at: dt.datetime | None = None,
    data: dict[str, Any] | None = None,
) -> DocumentEvent:
    return DocumentEvent.objects.create(
        incoming=document if isinstance(document, IncomingDocument) else None,
        outgoing=document if isinstance(document, OutgoingDocument) else None,
        kind=kind,
        actor=actor,
        at=at,
        text=text,
        old_due_at=old_due_at,
        new_due_at=new_due_at,
        data=data or {},
    )


def _audit(action: str, document: Document, actor: Account | None, summary: dict[str, Any] | None = None) -> None:
    record_event(
        action=action,
        actor=actor,
        agency_id=document.agency_id,
        object_type=f"{document.kind}_document",
        object_id=document.pk,
        summary=summary or {},
    )


def _notify(recipients: Iterable[Account], document: Document, text: str, at: dt.datetime, *, email: bool = True) -> None:
    """A notification carries the document's subject: only to those who may open the document (a
    secret one: its register's keepers and its handling chain; issue 16, ADR 0038)."""
    seen: set[int] = set()
    for person in recipients:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        if document.secrecy and not _may_open(person, document):
            continue
        if document.secrecy:
            # A notification outlives the reader's place in the chain, and an e-mail leaves the
            # platform: a secret document's subject goes in neither (Law 29/2018/QH14, art. 11).
            text = text.replace(document.subject, str(_("a secret document")))
        Notification.objects.create(
            recipient=person,
            incoming=document if isinstance(document, IncomingDocument) else None,
            outgoing=document if isinstance(document, OutgoingDocument) else None,
            text=text[:500],
            created_at=at,
        )
        if email and person.email:
            details = f"#{document.pk}" if document.secrecy else f"{document.written_number} — {document.subject}"
            queue_email(to=[person.email], subject=text[:150], body=f"{text}\n\n{details}")


def _may_open(person: Account, document: Document) -> bool:
    try:
        scope = access.scope_of(person)
    except PermissionDenied:
        return False
    if isinstance(document, IncomingDocument):
        return access.visible_incoming(scope, secret_inline=True).filter(pk=document.pk).exists()
    return access.visible_outgoing(scope).filter(pk=document.pk).exists()


def _holders(agency_id: int, *roles: str, unit_ids: Iterable[int] = ()) -> list[Account]:
    today = timezone.localdate()
    query = RoleAssignment.objects.valid_on(today).filter(agency_id=agency_id, role__in=roles)
    units = list(unit_ids)
    if units:
        query = query.filter(unit_id__in=units)
    ids = set(query.values_list("official_id", flat=True))
    return list(Account.objects.filter(pk__in=ids, is_active=True))


def _store_file(
    checked: files.CheckedFile,
    *,
    agency_id: int,
    kind: str,
    actor: Account | None,
    incoming: IncomingDocument | None = None,
    outgoing: OutgoingDocument | None = None,
    version: int = 1,
    comment: str = "",
) -> Attachment:
    attachment = Attachment(
        agency_id=agency_id,
        incoming=incoming,
        outgoing=outgoing,
        kind=kind,
        version=version,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        comment=comment[:500],
    )
    uploads.save_file(attachment.file, checked)
    attachment.save()
    return attachment


# --- Validation of metadata ---------------------------------------------------------------------
def _document_type(value: str) -> str:
    code = type_by_name_or_abbreviation(value or "")
    if code is None:
        raise _field_error(
            "documents.type_unknown",
            "document_type",
            _("“%(value)s” is not one of the 29 document types of Decree 30/2020.") % {"value": value},
        )
    return code


def _choice(value: str, choices: type[Urgency] | type[Secrecy], field: str) -> str:
    value = (value or "").strip()
    if value in choices.values:
        return value
    for code, label in choices.choices:
        if value.casefold() == str(label).casefold():
            return str(code)
    raise _field_error("documents.choice_invalid", field, _("“%(value)s” is not a valid value.") % {"value": value})


def _length(field: str, value: str, maximum: int) -> None:
    if len(value) > maximum:
        raise _field_error(
            "documents.too_long",
            field,
            _("At most %(max)s characters (Decree 30/2020 Phụ lục VI); %(count)s given.") % {"max": maximum, "count": len(value)},
        )


def _required(field: str, value: object, label: str) -> None:
    if value in (None, ""):
        raise _field_error("documents.required", field, _("%(label)s is required.") % {"label": label})


def _check_number_notation(code_number: str, code_notation: str) -> None:
    if not is_valid_number(code_number):
        raise _field_error(
            "documents.number_invalid",
            "code_number",
            _("“%(value)s” is not a document number: Arabic digits, with a leading zero below 10 (01…09, 10…).") % {"value": code_number},
        )
    if not is_valid_notation(code_notation):
        raise _field_error(
            "documents.notation_invalid",
            "code_notation",
            _("“%(value)s” is not a notation of Decree 30/2020 (Phụ lục I II.3): groups separated by “-”, no spaces, e.g. QĐ-UBND.")
            % {"value": code_notation},
        )


@dataclass
class IncomingInput:
    """What a clerk (or the exchange) registers: the metadata of Phụ lục VI Part II.II."""

    issuer_name: str
    code_number: str
    code_notation: str
    issued_date: dt.date | None
    document_type: str
    subject: str
    issuer_code: str = ""
    urgency: str = ""
    secrecy: str = ""
    page_count: int | None = None
    signer_name: str = ""
    signer_position: str = ""
    to_places: str = ""
    description: str = ""
    document_id: str = ""
    due_date: dt.date | None = None  # DueDate of Phụ lục VI II.18: the handling deadline, set by the leader (not stored here)

    def cleaned(self, *, today: dt.date) -> dict[str, Any]:
        data: dict[str, Any] = {
            "issuer_name": _nfc(self.issuer_name),
            "issuer_code": _nfc(self.issuer_code).upper(),
            "code_number": _nfc(self.code_number),
            "code_notation": _nfc(self.code_notation),
            "subject": _nfc(self.subject),
            "signer_name": _nfc(self.signer_name),
            "signer_position": _nfc(self.signer_position),
            "to_places": _nfc(self.to_places),
            "description": _nfc(self.description),
            "edxml_document_id": _nfc(self.document_id),
        }
        _required("issuer_name", data["issuer_name"], _("The issuing agency"))
        _required("subject", data["subject"], _("The subject"))
        _required("issued_date", self.issued_date, _("The issue date"))
        data["document_type"] = _document_type(self.document_type)
        _check_number_notation(data["code_number"], data["code_notation"])
        for name, maximum in [
            ("issuer_name", L["issuer_name"]),
            ("issuer_code", 35),
            ("code_number", L["code_number"]),
            ("code_notation", L["code_notation"]),
            ("subject", L["subject"]),
            ("signer_name", L["signer_name"]),
            ("signer_position", L["signer_position"]),
            ("to_places", L["to_places"]),
            ("description", L["description"]),
            ("edxml_document_id", 100),
        ]:
            _length(name, data[name], maximum)
        assert self.issued_date is not None
        if self.issued_date > today:
            raise _field_error("documents.issued_in_future", "issued_date", _("The issue date cannot be after today."))
        if self.page_count is not None and not 0 < self.page_count <= 999:
            raise _field_error("documents.page_count", "page_count", _("The page count is a number from 1 to 999 (PageAmount, 3 digits)."))
        data["urgency"] = _choice(self.urgency, Urgency, "urgency")
        data["secrecy"] = _choice(self.secrecy, Secrecy, "secrecy")
        data["urgency_rank"] = URGENCY_RANK[Urgency(data["urgency"])]
        data["issued_date"] = self.issued_date
        data["page_count"] = self.page_count
        return data


def find_duplicates(agency: Agency, *, document_id: str, code_number: str, code_notation: str, issuer_name: str) -> list[IncomingDocument]:
    """Phụ lục VI: warn when the DocumentId, or number + notation + issuer, was already registered (§1.7).

    The issuer's name is compared folded (case, tone marks, đ), so "Ủy ban…" matches "ủy ban…".
    """
    live = IncomingDocument.objects.filter(agency=agency).exclude(status=IncomingStatus.CANCELLED)
    # Narrow reads of the candidates (keys and issuers), then the documents themselves only when
    # there is a duplicate — the rare case; every registration pays for the reads (W3). The two
    # rules are read apart: a common number ("01/QĐ-UBND" of every issuer) must not crowd out the
    # same DocumentId.
    keys: set[int] = set()
    if document_id:
        keys.update(live.filter(edxml_document_id=document_id).order_by("pk").values_list("pk", flat=True)[:5])
    wanted = fold(issuer_name)
    same = live.filter(code_number=code_number, code_notation=code_notation).order_by("pk").values_list("pk", "issuer_name")[:50]
    keys.update(pk for pk, issuer in same if fold(issuer) == wanted)
    if not keys:
        return []
    return list(IncomingDocument.objects.filter(pk__in=sorted(keys)[:5]).order_by("pk"))


@dataclass
class Registration:
    document: IncomingDocument
    duplicates: list[IncomingDocument] = field(default_factory=list)


def _prepare_registration(document: IncomingDocument, register: Register, actor: Account | None, at: dt.datetime) -> None:
    """Everything of the registration but the number, so the document can be saved (and indexed
    for search: the arrival number is not indexed) before the number is taken."""
    document.register = register
    document.arrival_year = year_of(at)
    document.arrival_number = None
    document.arrival_at = at
    document.registered_by = actor
    document.status = IncomingStatus.REGISTERED


def _number_and_record(document: IncomingDocument, actor: Account | None, at: dt.datetime, duplicates: list[IncomingDocument]) -> None:
    """The last statements of a registering transaction (W3): take the number (its counter row
    stays locked until commit), write it on the saved document, then the timeline event and the
    audit event (the audit chain head stays locked until commit). Everything else comes before,
    so concurrent registrations wait on these two rows only for these few statements."""
    assert document.pk is not None and document.register is not None
    # The number is written without `save()`: nothing indexed for search changes, and the signal's
    # re-index would run inside the locked section. Plain statements from here to the commit:
    # everyone waits for this lock.
    year, number = take_number_into(
        document.register, at, IncomingDocument, document.pk, number_field="arrival_number", year_field="arrival_year"
    )
    document.arrival_year, document.arrival_number = year, number
    text = _("Registered with arrival number %(number)s.") % {"number": format_number(number)}
    data: dict[str, Any] = {"arrival_number": number, "year": year}
    if duplicates:
        data["possible_duplicates"] = [d.pk for d in duplicates]
    # A "registered" event re-indexes nothing (documents.search.REINDEX_EVENTS): no receiver needs it.
    insert_row(DocumentEvent(incoming=document, kind=EventKind.REGISTERED, actor=actor, at=at, text=text, data=data))
    _audit("incoming.registered", document, actor, {"arrival_number": number, "year": year})


def _notify_urgent(document: IncomingDocument, at: dt.datetime) -> None:
    if document.urgency:
        # Art. 4.2.c, 23.1: urgent documents are presented at once: tell the leaders now.
        leaders = _holders(document.agency_id, Role.LEADER)
        _notify(
            leaders,
            document,
            _("Urgent document (%(urgency)s) registered: %(subject)s")
            % {"urgency": document.get_urgency_display(), "subject": document.subject},
            at,
        )


def register_incoming_document(
    *,
    actor: Account,
    agency: Agency,
    data: IncomingInput,
    source: str = Source.PAPER,
    scan: Any = None,
    attachments: Sequence[Any] = (),
    at: dt.datetime | None = None,
) -> Registration:
    """Register a paper document (with its scan) or an electronic one the clerk typed in (art. 22).

    The arrival number is the next of the agency's incoming register for the year (the secret
    register for a secret document). Possible duplicates are returned and kept as a warning.
    """
    at = _now(at)
    access.require(access.holds_role(actor, agency.pk, Role.CLERK))
    cleaned = data.cleaned(today=at.astimezone(VIETNAM).date())
    if source not in Source.values:
        raise _field_error("documents.source_invalid", "source", _("Unknown source."))
    checked_scan = files.check_upload(scan, allowed=files.SCAN_TYPES, field="scan") if scan is not None else None
    if source == Source.PAPER and checked_scan is None:
        raise _field_error("documents.scan_required", "scan", _("Upload the scan of the paper document."))
    checked_files = [files.check_upload(f, allowed=files.WORK_TYPES, field="attachments") for f in attachments]
    if cleaned["page_count"] is None and checked_scan is not None and checked_scan.pages:
        cleaned["page_count"] = min(checked_scan.pages, 999)
    registers = ensure_registers(agency)
    register = registers[(Direction.INCOMING, SeriesPurpose.SECRET if cleaned["secrecy"] else SeriesPurpose.ADMINISTRATIVE)]
    # Reads before the transaction: SQLite's IMMEDIATE transaction holds the database's write lock
    # from BEGIN. The duplicate check is a warning (§1.7), not a constraint.
    duplicates = find_duplicates(
        agency,
        document_id=cleaned["edxml_document_id"],
        code_number=cleaned["code_number"],
        code_notation=cleaned["code_notation"],
        issuer_name=cleaned["issuer_name"],
    )
    issuer = Agency.objects.filter(code=cleaned["issuer_code"], valid_to__isnull=True).first() if cleaned["issuer_code"] else None
    with uploads.removed_on_failure(), transaction.atomic():
        document = IncomingDocument(agency=agency, source=source, issuer=issuer, received_at=at, **cleaned)
        document.duplicate_of = duplicates[0] if duplicates else None
        _prepare_registration(document, register, actor, at)
        document.save()
        if checked_scan is not None:
            _store_file(checked_scan, agency_id=agency.pk, kind=AttachmentKind.SCAN, actor=actor, incoming=document)
        for checked in checked_files:
            _store_file(checked, agency_id=agency.pk, kind=AttachmentKind.ATTACHMENT, actor=actor, incoming=document)
        _notify_urgent(document, at)
        _number_and_record(document, actor, at, duplicates)  # last: the number and the audit chain head
    return Registration(document, duplicates)


def receive_incoming_document(
    *,
    agency: Agency,
    data: IncomingInput,
    source: str = Source.ELECTRONIC,
    files_in: Sequence[tuple[str, bytes]] = (),
    source_outgoing: OutgoingDocument | None = None,
    at: dt.datetime | None = None,
) -> IncomingDocument:
    """A document arrived electronically (the exchange issue calls this) or from an agency of this
    deployment: it waits in the clerk's "to register" list (art. 22.1: not anyone's to handle
    until registered)."""
    at = _now(at)
    cleaned = data.cleaned(today=at.astimezone(VIETNAM).date())
    checked_files = [files.check_upload(f, allowed=uploads.EXCHANGE_ATTACHMENT) for f in files_in]
    with uploads.removed_on_failure(), transaction.atomic():
        issuer = Agency.objects.filter(code=cleaned["issuer_code"], valid_to__isnull=True).first() if cleaned["issuer_code"] else None
        document = IncomingDocument.objects.create(
            agency=agency, source=source, issuer=issuer, received_at=at, source_outgoing=source_outgoing, **cleaned
        )
        for index, checked in enumerate(checked_files):
            _store_file(
                checked,
                agency_id=agency.pk,
                kind=AttachmentKind.MAIN if index == 0 else AttachmentKind.ATTACHMENT,
                actor=None,
                incoming=document,
            )
        _event(document, EventKind.RECEIVED, None, at, _("Received from %(issuer)s.") % {"issuer": document.issuer_name})
        _audit("incoming.received", document, None, {"source": source, "issuer": document.issuer_name})
        clerks = _holders(agency.pk, Role.CLERK)
        _notify(
            clerks, document, _("New document to register: %(subject)s") % {"subject": document.subject}, at, email=bool(document.urgency)
        )
    return document


def register_received_document(*, actor: Account, document: IncomingDocument, at: dt.datetime | None = None) -> Registration:
    """Put a received electronic or internal document in the incoming register (edXML status 03)."""
    at = _now(at)
    access.require(access.holds_role(actor, document.agency_id, Role.CLERK))
    with transaction.atomic():
        document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        if document.status != IncomingStatus.RECEIVED:
            raise DomainError("documents.already_registered", _("This document is already registered."))
        duplicates = [
            d
            for d in find_duplicates(
                document.agency,
                document_id=document.edxml_document_id,
                code_number=document.code_number,
                code_notation=document.code_notation,
                issuer_name=document.issuer_name,
            )
            if d.pk != document.pk
        ]
        document.duplicate_of = duplicates[0] if duplicates else None
        _prepare_registration(document, incoming_register_for(document.agency, document.secrecy), actor, at)
        document.save()
        _notify_urgent(document, at)
        _number_and_record(document, actor, at, duplicates)  # last: the number and the audit chain head
    return Registration(document, duplicates)


# --- Handling -----------------------------------------------------------------------------------
def _locked_incoming(document: IncomingDocument, *allowed: str) -> IncomingDocument:
    current = IncomingDocument.objects.select_for_update().select_related("agency").get(pk=document.pk)
    if current.status not in allowed:
        raise DomainError(
            "documents.wrong_status",
            _("This cannot be done now: the document is “%(status)s”.") % {"status": current.get_status_display()},
        )
    return current


def present_document(
    *, actor: Account, document: IncomingDocument, leader: Account, note: str = "", at: dt.datetime | None = None
) -> IncomingDocument:
    """The clerk presents a registered document to a leader (art. 24.1: the same day, at the latest the next working day)."""
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(access.is_clerk(scope, document.agency_id))
    if not _holders(document.agency_id, Role.LEADER) or leader.pk not in {p.pk for p in _holders(document.agency_id, Role.LEADER)}:
        raise _field_error("documents.not_a_leader", "leader", _("Choose a leader of this agency."))
    with transaction.atomic():
        document = _locked_incoming(document, IncomingStatus.REGISTERED, IncomingStatus.PRESENTED)
        document.status = IncomingStatus.PRESENTED
        document.presented_to = leader
        document.presented_at = at
        document.save(update_fields=["status", "presented_to", "presented_at"])
        _event(document, EventKind.PRESENTED, actor, at, _nfc(note), data={"leader": leader.pk, "leader_name": str(leader)})
        _audit("incoming.presented", document, actor, {"leader": leader.username})
        _notify(
            [leader],
            document,
            _("Document presented to you: %(subject)s") % {"subject": document.subject},
            at,
            email=bool(document.urgency),
        )
    return document


def compute_due(agency_id: int, *, at: dt.datetime, days: int | None = None, due_date: dt.date | None = None) -> dt.datetime:
    """A handling deadline: `days` working days from `at` (workdays engine), or the end of `due_date`'s working day."""
    if due_date is not None:
        if due_date < at.astimezone(VIETNAM).date():
            raise _field_error(
                "documents.deadline_past", "due_date", _("The deadline %(date)s is in the past.") % {"date": _vn_date(due_date)}
            )
        # The end of that day's working hours: the start of the day plus one working day.
        start = dt.datetime.combine(due_date, dt.time(0), tzinfo=VIETNAM)
        return engine.add_working_time(start, days=1, agency=agency_id)
    if days is None:
        days = rules_of(agency_id).default_handling_days
    if days <= 0:
        raise _field_error("documents.deadline_past", "due_days", _("The deadline must be at least one working day."))
    return engine.add_working_time(at, days=days, agency=agency_id)


def _assign(
    document: IncomingDocument,
    actor: Account,
    at: dt.datetime,
    due_at: dt.datetime,
    *,
    lead_unit: Unit | None,
    lead_handler: Account | None,
    coordinator_units: Sequence[Unit],
    coordinators: Sequence[Account],
) -> list[Assignment]:
    document.assignments.filter(active=True).update(active=False)
    made = []
    if lead_unit is not None or lead_handler is not None:
        made.append(Assignment(document=document, unit=lead_unit, official=lead_handler, role=AssignmentRole.LEAD))
    made += [Assignment(document=document, unit=u, role=AssignmentRole.COORDINATOR) for u in coordinator_units]
    made += [Assignment(document=document, official=p, role=AssignmentRole.COORDINATOR) for p in coordinators]
    for assignment in made:
        assignment.due_at = due_at
        assignment.assigned_by = actor
        assignment.assigned_at = at
    Assignment.objects.bulk_create(made)
    return made


def _check_targets(agency_id: int, units: Sequence[Unit | None], people: Sequence[Account | None]) -> None:
    for unit in units:
        if unit is not None and unit.agency_id != agency_id:
            raise _field_error("documents.unit_other_agency", "lead_unit", _("The unit does not belong to this agency."))
    ids = {p.pk for p in people if p is not None}
    if ids:
        members = set(
            RoleAssignment.objects.valid_on(timezone.localdate())
            .filter(agency_id=agency_id, official_id__in=ids)
            .values_list("official_id", flat=True)
        )
        if ids - members:
            raise _field_error("documents.person_other_agency", "lead_handler", _("Choose people who work in this agency."))


def instruct_document(
    *,
    actor: Account,
    document: IncomingDocument,
    instruction: str,
    lead_unit: Unit | None = None,
    lead_handler: Account | None = None,
    coordinator_units: Sequence[Unit] = (),
    coordinators: Sequence[Account] = (),
    due_days: int | None = None,
    due_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> IncomingDocument:
    """The leader's instruction (bút phê): lead unit or person, co-ordinators, a deadline in working days (art. 24.2)."""
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(access.is_leader(scope, document.agency_id))
    if lead_unit is None and lead_handler is None:
        raise _field_error("documents.lead_required", "lead_unit", _("Choose the lead unit or the lead person."))
    _check_targets(document.agency_id, [lead_unit, *coordinator_units], [lead_handler, *coordinators])
    due_at = compute_due(document.agency_id, at=at, days=due_days, due_date=due_date)
    instruction = _nfc(instruction)
    _length("instruction", instruction, 2000)
    with transaction.atomic():
        document = _locked_incoming(
            document, IncomingStatus.REGISTERED, IncomingStatus.PRESENTED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS
        )
        old_due = document.due_at
        document.status = IncomingStatus.ASSIGNED
        document.lead_unit = lead_unit
        document.lead_handler = lead_handler
        document.due_at = due_at
        document.save(update_fields=["status", "lead_unit", "lead_handler", "due_at"])
        _assign(
            document,
            actor,
            at,
            due_at,
            lead_unit=lead_unit,
            lead_handler=lead_handler,
            coordinator_units=coordinator_units,
            coordinators=coordinators,
        )
        _event(
            document,
            EventKind.INSTRUCTED,
            actor,
            at,
            instruction,
            old_due_at=old_due,
            new_due_at=due_at,
            data={
                "lead_unit": lead_unit.name if lead_unit else "",
                "lead_handler": str(lead_handler) if lead_handler else "",
                "coordinator_units": [u.name for u in coordinator_units],
                "coordinators": [str(p) for p in coordinators],
            },
        )
        _audit(
            "incoming.instructed",
            document,
            actor,
            {"due_at": due_at, "lead_unit": getattr(lead_unit, "pk", None), "lead_handler": getattr(lead_handler, "pk", None)},
        )
        people = [p for p in [lead_handler, *coordinators] if p is not None]
        unit_ids = [u.pk for u in [lead_unit, *coordinator_units] if u is not None]
        if unit_ids:
            people += _holders(document.agency_id, Role.UNIT_LEADER, unit_ids=unit_ids)
        _notify(
            people, document, _("Assigned to you, due %(due)s: %(subject)s") % {"due": _vn_date(due_at), "subject": document.subject}, at
        )
    return document


def pass_to_unit(
    *, actor: Account, document: IncomingDocument, unit: Unit, due_days: int | None = None, at: dt.datetime | None = None
) -> IncomingDocument:
    """Art. 24: the clerk passes the document straight to the responsible unit when the agency's rules allow it."""
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(access.is_clerk(scope, document.agency_id))
    if not rules_of(document.agency_id).direct_to_unit:
        raise DomainError("documents.direct_not_allowed", _("The agency's rules say documents are presented to a leader first."))
    _check_targets(document.agency_id, [unit], [])
    due_at = compute_due(document.agency_id, at=at, days=due_days)
    with transaction.atomic():
        document = _locked_incoming(document, IncomingStatus.REGISTERED)
        document.status = IncomingStatus.ASSIGNED
        document.lead_unit = unit
        document.due_at = due_at
        document.save(update_fields=["status", "lead_unit", "due_at"])
        _assign(document, actor, at, due_at, lead_unit=unit, lead_handler=None, coordinator_units=(), coordinators=())
        _event(document, EventKind.PASSED_TO_UNIT, actor, at, unit.name, new_due_at=due_at)
        _audit("incoming.passed_to_unit", document, actor, {"unit": unit.pk, "due_at": due_at})
        _notify(
            _holders(document.agency_id, Role.UNIT_LEADER, unit_ids=[unit.pk]),
            document,
            _("Assigned to your unit: %(subject)s") % {"subject": document.subject},
            at,
        )
    return document


def reassign_in_unit(
    *,
    actor: Account,
    document: IncomingDocument,
    official: Account,
    due_date: dt.date | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> IncomingDocument:
    """A unit leader gives the unit's document to a person of the unit (Phiếu giải quyết, block 2)."""
    at = _now(at)
    scope = access.scope_of(actor)
    document = IncomingDocument.objects.get(pk=document.pk)
    unit_id = document.lead_unit_id
    access.require(access.is_unit_leader_of(scope, unit_id))
    assert unit_id is not None
    in_unit = (
        RoleAssignment.objects.valid_on(timezone.localdate()).filter(official=official, unit_id=unit_id).exists()
        or official.unit_memberships.filter(unit_id=unit_id).exists()
    )
    if not in_unit:
        raise _field_error("documents.person_other_unit", "official", _("Choose a person of the unit."))
    with transaction.atomic():
        document = _locked_incoming(document, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
        old_due = document.due_at
        due_at = compute_due(document.agency_id, at=at, due_date=due_date) if due_date else old_due
        if due_at and old_due and due_at > old_due:
            raise _field_error("documents.deadline_after_leader", "due_date", _("The unit's deadline cannot be after the leader's."))
        document.lead_handler = official
        document.save(update_fields=["lead_handler"])
        Assignment.objects.create(
            document=document,
            unit_id=unit_id,
            official=official,
            role=AssignmentRole.LEAD,
            due_at=due_at,
            assigned_by=actor,
            assigned_at=at,
        )
        _event(
            document, EventKind.REASSIGNED, actor, at, _nfc(note), old_due_at=old_due, new_due_at=due_at, data={"official": str(official)}
        )
        _audit("incoming.reassigned", document, actor, {"official": official.username})
        _notify([official], document, _("Assigned to you by your unit leader: %(subject)s") % {"subject": document.subject}, at)
    return document


def _require_handler(actor: Account, document: IncomingDocument) -> Scope:
    scope = access.scope_of(actor)
    document = IncomingDocument.objects.get(pk=document.pk)
    access.require(access.handles(scope, document) or access.is_unit_leader_of(scope, document.lead_unit_id))
    return scope


def record_progress(*, actor: Account, document: IncomingDocument, text: str, at: dt.datetime | None = None) -> IncomingDocument:
    at = _now(at)
    _require_handler(actor, document)
    text = _nfc(text)
    _required("text", text, _("The progress note"))
    _length("text", text, 500)
    with transaction.atomic():
        document = _locked_incoming(document, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
        document.status = IncomingStatus.IN_PROGRESS
        document.progress = text
        document.save(update_fields=["status", "progress"])
        _event(document, EventKind.PROGRESS, actor, at, text)
        _audit("incoming.progress", document, actor)
    return document


def add_comment(*, actor: Account, document: Document, text: str, at: dt.datetime | None = None) -> DocumentEvent:
    """A comment on the timeline by anyone who can see the document."""
    at = _now(at)
    text = _nfc(text)
    _required("text", text, _("The comment"))
    _length("text", text, 2000)
    with transaction.atomic():
        event = _event(document, EventKind.COMMENT, actor, at, text)
        _audit(f"{document.kind}.commented", document, actor)
    return event


def add_work_file(*, actor: Account, document: IncomingDocument, upload: Any, at: dt.datetime | None = None) -> Attachment:
    at = _now(at)
    _require_handler(actor, document)
    checked = files.check_upload(upload, allowed=files.WORK_TYPES)
    with uploads.removed_on_failure(), transaction.atomic():
        attachment = _store_file(checked, agency_id=document.agency_id, kind=AttachmentKind.WORK, actor=actor, incoming=document)
        _event(document, EventKind.FILE_ADDED, actor, at, checked.name)
        _audit("incoming.file_added", document, actor, {"name": checked.name, "sha256": checked.sha256})
    return attachment


def request_extension(
    *, actor: Account, document: IncomingDocument, until: dt.date, reason: str, at: dt.datetime | None = None
) -> Assignment:
    at = _now(at)
    _require_handler(actor, document)
    reason = _nfc(reason)
    _required("reason", reason, _("The reason"))
    _length("reason", reason, 500)
    new_due = compute_due(document.agency_id, at=at, due_date=until)
    if document.due_at and new_due <= document.due_at:
        raise _field_error("documents.extension_not_later", "until", _("The new deadline must be after the current one."))
    with transaction.atomic():
        document = _locked_incoming(document, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
        assignment = document.assignments.filter(active=True).order_by("-pk").first()
        if assignment is None:
            raise DomainError("documents.not_assigned", _("This document is not assigned."))
        assignment.extension_requested_until = new_due
        assignment.extension_reason = reason
        assignment.save(update_fields=["extension_requested_until", "extension_reason"])
        _event(document, EventKind.EXTENSION_REQUESTED, actor, at, reason, old_due_at=document.due_at, new_due_at=new_due)
        _audit("incoming.extension_requested", document, actor, {"until": new_due})
        leaders = [assignment.assigned_by]
        _notify(
            leaders,
            document,
            _("Extension requested until %(date)s: %(subject)s") % {"date": _vn_date(new_due), "subject": document.subject},
            at,
        )
    return assignment


def decide_extension(
    *, actor: Account, document: IncomingDocument, grant: bool, note: str = "", at: dt.datetime | None = None
) -> IncomingDocument:
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(access.is_leader(scope, document.agency_id) or access.is_unit_leader_of(scope, document.lead_unit_id))
    with transaction.atomic():
        document = _locked_incoming(document, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
        pending = list(document.assignments.filter(active=True, extension_requested_until__isnull=False))
        if not pending:
            raise DomainError("documents.no_extension_request", _("No extension was requested."))
        new_due = max(a.extension_requested_until for a in pending if a.extension_requested_until)
        old_due = document.due_at
        if grant:
            document.due_at = new_due
            document.save(update_fields=["due_at"])
            document.assignments.filter(active=True).update(due_at=new_due, reminded_before_at=None, reminded_overdue_at=None)
        document.assignments.filter(active=True).update(extension_requested_until=None, extension_reason="")
        kind = EventKind.EXTENSION_GRANTED if grant else EventKind.EXTENSION_REFUSED
        _event(document, kind, actor, at, _nfc(note), old_due_at=old_due, new_due_at=new_due if grant else old_due)
        _audit("incoming.extension_" + ("granted" if grant else "refused"), document, actor, {"due_at": document.due_at})
    return document


def complete_document(
    *,
    actor: Account,
    document: IncomingDocument,
    summary: str = "",
    reply_draft: Any = None,
    reply_subject: str = "",
    reply_type: str = DocumentType.OFFICIAL_LETTER,
    reply_recipients: Sequence[Agency] = (),
    at: dt.datetime | None = None,
) -> IncomingDocument:
    """Complete the handling (edXML 06), with or without a reply: the reply is an outgoing draft
    linked to this document, submitted for review/approval at once."""
    at = _now(at)
    _require_handler(actor, document)
    checked = files.check_upload(reply_draft, allowed=files.DRAFT_TYPES, field="reply_draft") if reply_draft is not None else None
    with transaction.atomic():
        document = _locked_incoming(document, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
        reply = None
        if checked is not None:
            issuer = [document.issuer] if document.issuer and not reply_recipients else list(reply_recipients)
            reply = create_draft(
                actor=actor,
                agency=document.agency,
                document_type=reply_type,
                subject=reply_subject or _("Reply to %(number)s") % {"number": document.written_number},
                draft=checked,
                internal_recipients=issuer,
                external_recipients=[] if issuer else [(document.issuer_code, document.issuer_name)],
                reply_to=document,
                at=at,
            )
            submit_draft(actor=actor, document=reply, at=at)
        document.status = IncomingStatus.COMPLETED
        document.completed_at = at
        document.reply = reply
        if summary:
            document.progress = _nfc(summary)[:500]
        document.save(update_fields=["status", "completed_at", "reply", "progress"])
        document.assignments.filter(active=True).update(done_at=at)
        _event(document, EventKind.COMPLETED, actor, at, _nfc(summary), data={"reply": reply.pk if reply else None})
        _audit("incoming.completed", document, actor, {"reply": reply.pk if reply else None})
    return document


# --- Outgoing documents ------------------------------------------------------------------------
def _unit_of(actor: Account, agency: Agency) -> Unit | None:
    assignment = RoleAssignment.objects.valid_on(timezone.localdate()).filter(official=actor, agency=agency, unit__isnull=False).first()
    if assignment is not None:
        return assignment.unit
    membership = actor.unit_memberships.filter(unit__agency=agency).select_related("unit").first()
    return membership.unit if membership else None


def _checked_draft(draft: Any) -> files.CheckedFile:
    checked = draft if isinstance(draft, files.CheckedFile) else files.check_upload(draft, allowed=files.DRAFT_TYPES)
    if checked.content_type == files.DOCX:
        checked = files.docx_to_pdf(checked)
    return checked


def create_draft(
    *,
    actor: Account,
    agency: Agency,
    document_type: str,
    subject: str,
    draft: Any,
    internal_recipients: Sequence[Agency] = (),
    external_recipients: Sequence[tuple[str, str]] = (),
    urgency: str = "",
    secrecy: str = "",
    signer_name: str = "",
    signer_position: str = "",
    reply_to: IncomingDocument | None = None,
    replaces: OutgoingDocument | None = None,
    reply_due_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> OutgoingDocument:
    """A specialist uploads a draft (PDF; DOCX converted when LibreOffice is installed)."""
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(bool(scope.roles.get(agency.pk)))
    subject = _nfc(subject)
    _required("subject", subject, _("The subject"))
    _length("subject", subject, L["subject"])
    type_code = _document_type(document_type)
    urgency = _choice(urgency, Urgency, "urgency")
    secrecy = _choice(secrecy, Secrecy, "secrecy")
    _length("signer_name", _nfc(signer_name), L["signer_name"])
    _length("signer_position", _nfc(signer_position), L["signer_position"])
    for _code, name in external_recipients:
        _required("recipients", _nfc(name), _("The recipient's name"))
        _length("recipients", _nfc(name), 200)
    if replaces is not None and (replaces.agency_id != agency.pk or replaces.status != OutgoingStatus.ISSUED):
        raise _field_error("documents.replaces_invalid", "replaces", _("Only an issued document of this agency can be replaced."))
    checked = _checked_draft(draft)
    with uploads.removed_on_failure(), transaction.atomic():
        document = OutgoingDocument.objects.create(
            agency=agency,
            document_type=type_code,
            subject=subject,
            urgency=urgency,
            secrecy=secrecy,
            urgency_rank=URGENCY_RANK[Urgency(urgency)],
            drafter=actor,
            drafting_unit=_unit_of(actor, agency),
            signer_name=_nfc(signer_name),
            signer_position=_nfc(signer_position),
            reply_to=reply_to,
            replaces=replaces,
            reply_due_date=reply_due_date,
            page_count=min(checked.pages or 0, 999) or None,
        )
        seen: set[tuple[str, str]] = set()
        for recipient in internal_recipients:
            if (recipient.code, recipient.name) in seen:
                continue
            seen.add((recipient.code, recipient.name))
            OutgoingRecipient.objects.create(document=document, agency=recipient, code=recipient.code, name=recipient.name)
        for code, name in external_recipients:
            key = (_nfc(code).upper(), _nfc(name))
            if key in seen:
                continue
            seen.add(key)
            OutgoingRecipient.objects.create(document=document, code=key[0], name=key[1])
        _store_file(checked, agency_id=agency.pk, kind=AttachmentKind.DRAFT, actor=actor, outgoing=document, version=1)
        _event(document, EventKind.DRAFTED, actor, at, subject, data={"reply_to": reply_to.pk if reply_to else None})
        _audit("outgoing.drafted", document, actor, {"subject": subject, "type": type_code})
    return document


def _locked_outgoing(document: OutgoingDocument, *allowed: str) -> OutgoingDocument:
    current = OutgoingDocument.objects.select_for_update().select_related("agency").get(pk=document.pk)
    if current.frozen or current.status not in allowed:
        if current.status == OutgoingStatus.ISSUED and OutgoingStatus.APPROVED in allowed:
            raise DomainError(
                "documents.already_issued",
                _("This document is already issued with number %(number)s.") % {"number": current.written_number},
            )
        raise DomainError(
            "documents.wrong_status",
            _("This cannot be done now: the document is “%(status)s”.") % {"status": current.get_status_display()},
        )
    return current


def current_version(document: OutgoingDocument) -> Attachment | None:
    return document.attachments.filter(kind__in=[AttachmentKind.DRAFT, AttachmentKind.MAIN]).order_by("-version", "-pk").first()


def add_version(*, actor: Account, document: OutgoingDocument, draft: Any, comment: str = "", at: dt.datetime | None = None) -> Attachment:
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(
        document.drafter_id == actor.pk
        or access.is_unit_leader_of(scope, document.drafting_unit_id)
        or access.is_leader(scope, document.agency_id)
    )
    checked = _checked_draft(draft)
    with uploads.removed_on_failure(), transaction.atomic():
        document = _locked_outgoing(document, OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW, OutgoingStatus.TO_APPROVE)
        latest = current_version(document)
        version = (latest.version if latest else 0) + 1
        attachment = _store_file(
            checked,
            agency_id=document.agency_id,
            kind=AttachmentKind.DRAFT,
            actor=actor,
            outgoing=document,
            version=version,
            comment=comment,
        )
        _event(document, EventKind.VERSION, actor, at, _nfc(comment), data={"version": version})
        _audit("outgoing.version", document, actor, {"version": version, "sha256": checked.sha256})
    return attachment


def submit_draft(*, actor: Account, document: OutgoingDocument, at: dt.datetime | None = None) -> OutgoingDocument:
    """The drafter sends the draft on: to the unit leader's review if the unit has one, else to the leaders."""
    at = _now(at)
    access.require(document.drafter_id == actor.pk)
    with transaction.atomic():
        document = _locked_outgoing(document, OutgoingStatus.DRAFT)
        reviewers = (
            _holders(document.agency_id, Role.UNIT_LEADER, unit_ids=[document.drafting_unit_id]) if document.drafting_unit_id else []
        )
        reviewers = [r for r in reviewers if r.pk != actor.pk]
        document.status = OutgoingStatus.IN_REVIEW if reviewers else OutgoingStatus.TO_APPROVE
        document.save(update_fields=["status"])
        _event(document, EventKind.SUBMITTED, actor, at)
        _audit("outgoing.submitted", document, actor, {"status": document.status})
        to_tell = reviewers or _holders(document.agency_id, Role.LEADER)
        _notify(to_tell, document, _("Draft to review: %(subject)s") % {"subject": document.subject}, at, email=False)
    return document


def review_draft(
    *, actor: Account, document: OutgoingDocument, accept: bool, comment: str = "", at: dt.datetime | None = None
) -> OutgoingDocument:
    """The unit leader checks the content (Phụ lục VI I: content by the unit head) and sends it on or back."""
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(access.is_unit_leader_of(scope, document.drafting_unit_id))
    if not accept and not _nfc(comment):
        raise _field_error("documents.comment_required", "comment", _("Say what must change."))
    with transaction.atomic():
        document = _locked_outgoing(document, OutgoingStatus.IN_REVIEW)
        document.status = OutgoingStatus.TO_APPROVE if accept else OutgoingStatus.DRAFT
        document.save(update_fields=["status"])
        _event(document, EventKind.REVIEWED if accept else EventKind.RETURNED, actor, at, _nfc(comment))
        _audit("outgoing.reviewed" if accept else "outgoing.returned", document, actor)
        target = _holders(document.agency_id, Role.LEADER) if accept else [document.drafter]
        _notify(
            target,
            document,
            (_("Draft to approve: %(subject)s") if accept else _("Draft returned: %(subject)s")) % {"subject": document.subject},
            at,
            email=False,
        )
    return document


def _file_ref(attachment: Attachment | None) -> hooks.FileRef | None:
    if attachment is None:
        return None
    return hooks.FileRef(name=attachment.name, content_type=attachment.content_type, sha256=attachment.sha256, path=attachment.file.name)


def _store_signed(document: OutgoingDocument, actor: Account, signed: bytes | None, base: Attachment | None, label: str) -> None:
    if not signed:
        return
    name = base.name if base else "van-ban.pdf"
    checked = files.check_upload((name, signed), allowed=files.PDF_ONLY)
    latest = current_version(document)
    _store_file(
        checked,
        agency_id=document.agency_id,
        kind=AttachmentKind.MAIN,
        actor=actor,
        outgoing=document,
        version=(latest.version if latest else 0) + 1,
        comment=label,
    )


def approve_document(
    *,
    actor: Account,
    document: OutgoingDocument,
    accept: bool = True,
    comment: str = "",
    signer_position: str = "",
    at: dt.datetime | None = None,
) -> OutgoingDocument:
    """The leader approves (or returns) the draft. The personal signature comes here (hooks.SigningProvider.sign_personal)."""
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(access.is_leader(scope, document.agency_id))
    if not accept and not _nfc(comment):
        raise _field_error("documents.comment_required", "comment", _("Say what must change."))
    with uploads.removed_on_failure(), transaction.atomic():
        document = _locked_outgoing(document, OutgoingStatus.TO_APPROVE, OutgoingStatus.IN_REVIEW)
        if not accept:
            document.status = OutgoingStatus.DRAFT
            document.save(update_fields=["status"])
            _event(document, EventKind.RETURNED, actor, at, _nfc(comment))
            _audit("outgoing.returned", document, actor)
            _notify([document.drafter], document, _("Draft returned: %(subject)s") % {"subject": document.subject}, at, email=False)
            return document
        document.status = OutgoingStatus.APPROVED
        document.approved_by = actor
        document.approved_at = at
        document.signer_name = document.signer_name or (actor.full_name or actor.username)[: L["signer_name"]]
        position = _nfc(signer_position) or document.signer_position
        if not position:
            held = (
                RoleAssignment.objects.valid_on(timezone.localdate())
                .filter(official=actor, agency_id=document.agency_id, role=Role.LEADER)
                .select_related("position")
                .first()
            )
            position = held.position.name if held and held.position else ""
        document.signer_position = position[: L["signer_position"]]
        document.save(update_fields=["status", "approved_by", "approved_at", "signer_name", "signer_position"])
        provider = hooks.signing_provider()
        if provider is not None:
            base = current_version(document)
            signed = provider.sign_personal(_signing_request(document, actor, base))
            _store_signed(document, actor, signed, base, "personal signature")
        _event(document, EventKind.APPROVED, actor, at, _nfc(comment))
        _audit("outgoing.approved", document, actor)
        _notify(
            _holders(document.agency_id, Role.CLERK),
            document,
            _("Approved, to issue: %(subject)s") % {"subject": document.subject},
            at,
            email=bool(document.urgency),
        )
    return document


def _signing_request(
    document: OutgoingDocument, actor: Account, base: Attachment | None, *, numbered: bool = False
) -> hooks.SigningRequest:
    return hooks.SigningRequest(
        document_id=document.pk,
        agency_code=document.agency.code,
        agency_name=document.agency.name,
        signer_id=actor.pk,
        signer_username=actor.username,
        signer_name=document.signer_name if not numbered else (actor.full_name or actor.username),
        signer_position=document.signer_position,
        main_file=_file_ref(base),
        code_number=document.code_number if numbered else "",
        code_notation=document.code_notation if numbered else "",
        issued_date=document.issued_date if numbered else None,
    )


def issue_deadline(document: OutgoingDocument) -> dt.date | None:
    """§2.11: issue the same day it is signed, at the latest the next working day (urgent: at once)."""
    if document.approved_at is None:
        return None
    signed_on = document.approved_at.astimezone(VIETNAM).date()
    if document.urgency:
        return signed_on
    return engine.next_working_day(signed_on, agency=document.agency_id)


def _notation_for(document: OutgoingDocument, register: Register) -> str:
    agency_abbr = register.notation_abbreviation or document.agency.short_name
    if not agency_abbr:
        raise DomainError(
            "documents.agency_abbreviation_missing", _("The agency has no abbreviation for notations: ask the administrator to set it.")
        )
    unit_abbr = document.drafting_unit.short_name if document.drafting_unit else ""
    notation = build_notation(document_type=document.document_type, agency_abbreviation=agency_abbr, unit_abbreviation=unit_abbr)
    if not is_valid_notation(notation):
        raise DomainError(
            "documents.notation_invalid",
            _(
                "The notation “%(value)s” built from the abbreviations breaks Decree 30/2020 (Phụ lục I II.3): check the agency's and unit's abbreviations."
            )
            % {"value": notation},
        )
    return notation


def issue_document(*, actor: Account, document: OutgoingDocument, at: dt.datetime | None = None) -> OutgoingDocument:
    """The clerk issues: number and date from the register's series lock the document; the
    organisation signature (hooks); recipients inside the deployment receive it at once; outside
    recipients go to the registered transports (hooks)."""
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(access.is_clerk(scope, document.agency_id))
    with uploads.removed_on_failure(), transaction.atomic():
        document = _locked_outgoing(document, OutgoingStatus.APPROVED)
        if document.secrecy:
            register = outgoing_register_for(document.agency, document.document_type, document.secrecy)
            access.require(register.pk in scope.kept_registers)
        register = outgoing_register_for(document.agency, document.document_type, document.secrecy)
        notation = _notation_for(document, register)
        year, number = take_number(register, at)
        document.register = register
        document.number = number
        document.number_year = year
        document.code_number = format_number(number)
        document.code_notation = notation
        document.issued_date = at.astimezone(VIETNAM).date()
        document.issued_at = at
        document.issued_by = actor
        document.status = OutgoingStatus.ISSUED
        document.issued_amount = document.recipients.count() or None
        document.save()
        provider = hooks.signing_provider()
        if provider is not None:
            base = current_version(document)
            signed = provider.sign_organization(_signing_request(document, actor, base, numbered=True))
            _store_signed(document, actor, signed, base, "organisation signature")
        _event(
            document,
            EventKind.ISSUED,
            actor,
            at,
            _("Issued as %(number)s.") % {"number": document.written_number},
            data={"register": register.pk},
        )
        _audit("outgoing.issued", document, actor, {"number": document.code_number, "notation": notation, "year": year})
        _deliver(document, at)
        if document.replaces_id:
            old = OutgoingDocument.objects.select_for_update().get(pk=document.replaces_id)
            if old.status == OutgoingStatus.ISSUED:
                _recall(old, actor, at, _("Replaced by %(number)s.") % {"number": document.written_number}, replaced_by=document)
        if document.reply_to is not None:
            _event(document.reply_to, EventKind.COMMENT, actor, at, _("Reply issued: %(number)s") % {"number": document.written_number})
    return document


def _dispatch(document: OutgoingDocument, recipient: OutgoingRecipient, main: list[Attachment]) -> hooks.Dispatch:
    assert document.issued_date is not None
    replaces = ""
    if document.replaces is not None and document.replaces.issued_date:
        replaces = f"{document.agency.code},{document.replaces.issued_date:%Y/%m/%d},{document.replaces.written_number}"
    return hooks.Dispatch(
        document_id=document.pk,
        recipient=hooks.Recipient(recipient_id=recipient.pk, code=recipient.code, name=recipient.name),
        sender_code=document.agency.code,
        sender_name=document.agency.name,
        code_number=document.code_number,
        code_notation=document.code_notation,
        issued_date=document.issued_date,
        document_type_name=document.get_document_type_display(),
        subject=document.subject,
        signer_name=document.signer_name,
        signer_position=document.signer_position,
        urgency=document.urgency,
        page_count=document.page_count,
        due_date=document.reply_due_date,
        files=tuple(ref for ref in (_file_ref(a) for a in main) if ref is not None),
        replaces_document_id=replaces,
    )


def _deliver(document: OutgoingDocument, at: dt.datetime) -> None:
    latest = current_version(document)
    main = [latest] if latest else []
    for recipient in document.recipients.select_related("agency"):
        if document.secrecy:
            # Art. 22.4, STANDARDS §2.6: secret documents stay out of electronic delivery.
            _event(document, EventKind.DELIVERED, None, at, _("Secret document: deliver on paper to %(name)s.") % {"name": recipient.name})
            continue
        if recipient.agency_id is not None:
            incoming = _deliver_internal(document, recipient, latest, at)
            recipient.delivered_at = at
            recipient.transport = "internal"
            recipient.transport_reference = str(incoming.pk)
            recipient.save(update_fields=["delivered_at", "transport", "transport_reference"])
            continue
        dispatch = _dispatch(document, recipient, main)
        for transport in hooks.outgoing_transports():
            if transport.accepts(dispatch):
                recipient.transport = transport.name[:40]
                recipient.transport_reference = transport.enqueue(dispatch)[:200]
                recipient.save(update_fields=["transport", "transport_reference"])
                _event(
                    document,
                    EventKind.DELIVERED,
                    None,
                    at,
                    _("Sent to %(name)s through %(transport)s.") % {"name": recipient.name, "transport": transport.name},
                )
                break
        else:
            _event(
                document,
                EventKind.DELIVERED,
                None,
                at,
                _("No transport for %(name)s yet: waiting in the exchange outbox.") % {"name": recipient.name},
            )


def _deliver_internal(
    document: OutgoingDocument, recipient: OutgoingRecipient, main: Attachment | None, at: dt.datetime
) -> IncomingDocument:
    assert recipient.agency is not None and document.issued_date is not None
    incoming = IncomingDocument.objects.create(
        agency=recipient.agency,
        source=Source.INTERNAL,
        issuer=document.agency,
        issuer_name=document.agency.name[: L["issuer_name"]],
        issuer_code=document.agency.code,
        edxml_document_id=f"{document.agency.code},{document.issued_date:%Y/%m/%d},{document.written_number}"[:100],
        document_type=document.document_type,
        code_number=document.code_number,
        code_notation=document.code_notation,
        issued_date=document.issued_date,
        subject=document.subject,
        page_count=document.page_count,
        signer_name=document.signer_name,
        signer_position=document.signer_position,
        urgency=document.urgency,
        urgency_rank=document.urgency_rank,
        received_at=at,
        source_outgoing=document,
    )
    if main is not None:
        Attachment.objects.create(
            agency=recipient.agency,
            incoming=incoming,
            kind=AttachmentKind.MAIN,
            file=main.file.name,
            name=main.name,
            content_type=main.content_type,
            size=main.size,
            sha256=main.sha256,
        )
    _event(incoming, EventKind.RECEIVED, None, at, _("Received from %(issuer)s.") % {"issuer": document.agency.name})
    _audit("incoming.received", incoming, None, {"source": Source.INTERNAL, "from_outgoing": document.pk})
    _notify(
        _holders(recipient.agency.pk, Role.CLERK),
        incoming,
        _("New document to register: %(subject)s") % {"subject": incoming.subject},
        at,
        email=bool(document.urgency),
    )
    return incoming


def _recall(document: OutgoingDocument, actor: Account, at: dt.datetime, reason: str, replaced_by: OutgoingDocument | None = None) -> None:
    document.status = OutgoingStatus.RECALLED
    document.frozen = True
    document.recall_reason = reason[:500]
    document.save(update_fields=["status", "frozen", "recall_reason"])
    _event(
        document,
        EventKind.REPLACED if replaced_by else EventKind.RECALLED,
        actor,
        at,
        reason,
        data={"replaced_by": replaced_by.pk if replaced_by else None},
    )
    _audit("outgoing.recalled", document, actor, {"reason": reason, "replaced_by": replaced_by.pk if replaced_by else None})
    # Art. 18.4.b; Phụ lục VI III.8: receivers in the deployment have it cancelled, with a trace.
    for incoming in IncomingDocument.objects.select_for_update().filter(source_outgoing=document).exclude(status=IncomingStatus.CANCELLED):
        incoming.status = IncomingStatus.CANCELLED
        incoming.cancel_reason = reason[:500]
        incoming.save(update_fields=["status", "cancel_reason"])
        incoming.assignments.filter(active=True).update(active=False)
        text = _("Cancelled: the sender recalled it (%(reason)s).") % {"reason": reason}
        _event(incoming, EventKind.CANCELLED, None, at, text, data={"replaced_by": replaced_by.pk if replaced_by else None})
        _audit("incoming.cancelled", incoming, None, {"reason": reason})
        people = _holders(incoming.agency_id, Role.CLERK)
        people += [p for p in [incoming.lead_handler, incoming.presented_to] if p is not None]
        _notify(people, incoming, text, at, email=False)
    latest = current_version(document)
    for recipient in document.recipients.filter(agency__isnull=True).exclude(transport=""):
        for transport in hooks.outgoing_transports():
            if transport.name == recipient.transport:
                transport.recall(_dispatch(document, recipient, [latest] if latest else []), reason)


def recall_document(*, actor: Account, document: OutgoingDocument, reason: str, at: dt.datetime | None = None) -> OutgoingDocument:
    """The sender recalls an issued document (STANDARDS §1.9): frozen here, cancelled at the receivers."""
    at = _now(at)
    scope = access.scope_of(actor)
    access.require(access.is_clerk(scope, document.agency_id) or access.is_leader(scope, document.agency_id))
    reason = _nfc(reason)
    _required("reason", reason, _("The reason"))
    _length("reason", reason, 500)
    with transaction.atomic():
        document = _locked_outgoing(document, OutgoingStatus.ISSUED)
        _recall(document, actor, at, reason)
    return document


def record_recipient_status(*, recipient_id: int, status_code: str, description: str = "", at: dt.datetime | None = None) -> None:
    """An exchange status message for an outside recipient (edXML 01–06, 13, 15, 16; STANDARDS §1.8)."""
    at = _now(at)
    with transaction.atomic():
        recipient = OutgoingRecipient.objects.select_related("document").get(pk=recipient_id)
        if status_code in ("01", "03") and recipient.delivered_at is None:
            recipient.delivered_at = at
            recipient.save(update_fields=["delivered_at"])
        _event(
            recipient.document,
            EventKind.DELIVERED,
            None,
            at,
            f"{recipient.name}: {status_code} {description}"[:500],
            data={"status": status_code, "recipient": recipient.pk},
        )
        _audit("outgoing.recipient_status", recipient.document, None, {"recipient": recipient.pk, "status": status_code})


def mark_viewed(*, actor: Account, document: Document, at: dt.datetime | None = None, seen: bool | None = None) -> None:
    """Who saw it when (the timeline's access history): the first opening per official.

    `seen`: whether this official already has a "viewed" event, when the caller read it with the
    document (`access_incoming(for_page=True)`); None reads it here."""
    at = _now(at)
    lookup: dict[str, Any] = {"incoming": document} if isinstance(document, IncomingDocument) else {"outgoing": document}
    if seen is None:
        seen = DocumentEvent.objects.filter(kind=EventKind.VIEWED, actor=actor, **lookup).exists()
    if seen:
        return
    with transaction.atomic():
        _event(document, EventKind.VIEWED, actor, at)
