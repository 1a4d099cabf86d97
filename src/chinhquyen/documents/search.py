"""Incoming and outgoing documents in the search index (issue 5), and their attachments' text.

- **What is indexed**: every metadata field (number and notation, subject, issuer, signer and
  position, type, recipients, the leaders' instructions and progress notes, comments) and the
  text extracted from the attachments (`core.ocr`, a background job per file; the text is kept
  in storage next to the file, `text_name()`, so a reindex does not extract again).
- **When**: `reindex_document(doc)` runs inside the transaction of every change — connected to
  the saves of documents, their events (every service writes one) and recipients (`connect()`,
  from `AppConfig.ready`), so the services need no call of their own; a new attachment queues
  its extraction in the same transaction.
- **Who sees what**: `access_for(scope)` turns `documents.access`'s rules into grants that the
  engine checks inside its SQL — the same rules as `visible_incoming` / `visible_outgoing`
  (role, unit, assignment, handling chain; a secret document only for the keepers of its
  register and its handling chain). Every grant is prefixed with its agency (`a12.clerk`,
  `a12.o31`, `a12.u7`, `a12.lu7`, `a12.reg4`), so nothing opens across agencies.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.signals import post_delete, post_save

from chinhquyen.core import search
from chinhquyen.core.folding import fold
from chinhquyen.core.models import JobProgress
from chinhquyen.core.ocr import EXTRACT_KIND, queue_extraction, register_sink
from chinhquyen.documents.access import Scope
from chinhquyen.documents.models import (
    Assignment,
    Attachment,
    DocumentEvent,
    EventKind,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingStatus,
    Register,
)
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.organizations.models import Role

logger = logging.getLogger(__name__)

INCOMING = "documents.incoming"
OUTGOING = "documents.outgoing"
KINDS = (INCOMING, OUTGOING)
SINK = "documents.attachment"
SECRECY_LEVEL = {"": 0, "confidential": 1, "secret": 2, "top_secret": 3}
#: Text kept per attachment and per document (characters): enough for any administrative document.
MAX_ATTACHMENT_CHARS = 200_000
MAX_DOCUMENT_CHARS = 400_000
INSTRUCTION_EVENTS = (EventKind.INSTRUCTED, EventKind.PROGRESS, EventKind.PASSED_TO_UNIT, EventKind.REASSIGNED, EventKind.COMPLETED)
COMMENT_EVENTS = (EventKind.COMMENT, EventKind.RETURNED, EventKind.REVIEWED, EventKind.APPROVED)

Document = IncomingDocument | OutgoingDocument


# --- attachment text ----------------------------------------------------------------------------
def text_name(attachment: Attachment) -> str:
    """Where the extracted text of `attachment` is kept (the default storage)."""
    return f"documents-text/{attachment.agency_id}/{attachment.pk}.txt"


def attachment_text(attachment: Attachment) -> str:
    name = text_name(attachment)
    try:
        with default_storage.open(name, "rb") as handle:
            return str(handle.read(MAX_ATTACHMENT_CHARS * 4).decode("utf-8", "replace"))[:MAX_ATTACHMENT_CHARS]
    except (FileNotFoundError, OSError):
        return ""


def _owner(attachment: Attachment) -> Document | None:
    if attachment.incoming_id:
        return IncomingDocument.objects.filter(pk=attachment.incoming_id).first()
    if attachment.outgoing_id:
        return OutgoingDocument.objects.filter(pk=attachment.outgoing_id).first()
    return None


def save_attachment_text(*, object_id: int, result: Any, job: Any = None) -> None:
    """The extraction sink: keep the text, then re-index the attachment's document."""
    attachment = Attachment.objects.filter(pk=object_id).first()
    if attachment is None:
        return
    name = text_name(attachment)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(str(result.text).encode("utf-8")))
    document = _owner(attachment)
    if document is not None:
        reindex_document(document)


def extraction_failed(*, object_id: int, code: str, message: str, job: Any = None) -> None:
    """A failed extraction stays visible on the job (the document page shows it, with "try again")."""
    logger.info("extraction of attachment %s failed: %s", object_id, code)


def queue_attachment(attachment: Attachment) -> JobProgress:
    """Queue the extraction of a just-stored attachment (in the caller's transaction)."""
    return queue_extraction(
        target=SINK,
        object_id=attachment.pk,
        storage_name=attachment.file.name,
        filename=attachment.name,
        created_by=attachment.uploaded_by,
    )


def extraction_jobs(attachment_ids: Iterable[int]) -> dict[int, JobProgress]:
    """The latest extraction job of each attachment (what the document page shows)."""
    ids = [int(i) for i in attachment_ids]
    if not ids:
        return {}
    jobs: dict[int, JobProgress] = {}
    for job in JobProgress.objects.filter(kind=EXTRACT_KIND, report__target=SINK, report__object_id__in=ids).order_by("pk"):
        jobs[int(job.report["object_id"])] = job
    return jobs


# --- entries ------------------------------------------------------------------------------------
def _date(document: Document) -> dt.date | None:
    if document.issued_date:
        return document.issued_date
    moment = document.arrival_at if isinstance(document, IncomingDocument) else document.issued_at
    moment = moment or document.created_at
    return moment.astimezone(VIETNAM).date() if moment else None


def _events(document: Document) -> tuple[str, str]:
    events = document.events.filter(kind__in=(*INSTRUCTION_EVENTS, *COMMENT_EVENTS)).exclude(text="").values_list("kind", "text")
    instructions = [text for kind, text in events if kind in INSTRUCTION_EVENTS]
    comments = [text for kind, text in events if kind in COMMENT_EVENTS]
    return "\n".join(instructions), "\n".join(comments)


def _attachments_text(document: Document) -> str:
    parts: list[str] = []
    size = 0
    for attachment in document.attachments.all().order_by("pk"):
        text = attachment_text(attachment)
        if text:
            parts.append(text)
            size += len(text)
            if size >= MAX_DOCUMENT_CHARS:
                break
    return "\n".join(parts)[:MAX_DOCUMENT_CHARS]


def _signer(document: Document) -> str:
    return " ".join(p for p in (document.signer_position, document.signer_name) if p)


def incoming_entry(document: IncomingDocument, *, new: bool = False) -> search.IndexEntry:
    """The entry of an incoming document. `new`: the row was just inserted, so no assignment,
    event or attachment can point to it yet — their three reads are skipped (W3: registration)."""
    a = document.agency_id
    assignments = (
        [] if new else list(Assignment.objects.filter(document=document).values_list("official_id", "unit_id", "assigned_by_id", "active"))
    )
    chain = {document.presented_to_id, document.lead_handler_id, document.registered_by_id}
    chain |= {official for official, _u, _b, _a in assignments} | {by for _o, _u, by, _a in assignments}
    units = {unit for _o, unit, _b, _a in assignments if unit}
    grants = {f"a{a}.o{person}" for person in chain if person}
    grants |= {f"a{a}.lu{unit}" for unit in units}
    if document.secrecy:
        if document.register_id:
            grants.add(f"a{a}.reg{document.register_id}")
    else:
        grants.add(f"a{a}.clerk")
        if document.status != IncomingStatus.RECEIVED:
            grants.add(f"a{a}.leader")
        grants |= {f"a{a}.u{unit}" for unit in units}
    assigned = {document.lead_handler_id} | {official for official, _u, _b, active in assignments if active}
    instructions, comments = ("", "") if new else _events(document)
    return search.IndexEntry.build(
        INCOMING,
        document.pk,
        a,
        fields={
            "code": document.written_number,
            "subject": document.subject,
            "issuer": document.issuer_name,
            "signer": _signer(document),
            "type": document.get_document_type_display(),
            "recipients": document.to_places,
            "instructions": "\n".join(p for p in (instructions, document.progress) if p),
            "comments": "\n".join(p for p in (comments, document.description) if p),
            "attachments": "" if new else _attachments_text(document),
        },
        filters={
            "date": _date(document),
            "secrecy": SECRECY_LEVEL.get(document.secrecy, 3),
            "type": document.document_type,
            "status": document.status,
            "register": document.register_id,
            "urgency": document.urgency or "normal",
            "issuer": issuer_tag(document.issuer_name),
            "assigned": sorted(p for p in assigned if p),
        },
        grants=sorted(grants),
        title=document.subject,
    )


def outgoing_entry(document: OutgoingDocument, *, new: bool = False) -> search.IndexEntry:
    """The entry of an outgoing document; `new` as for `incoming_entry` (no recipient, event or
    attachment yet)."""
    a = document.agency_id
    draft = document.status == OutgoingStatus.DRAFT
    grants = {f"a{a}.o{document.drafter_id}"}
    if document.drafting_unit_id:
        grants.add(f"a{a}.lu{document.drafting_unit_id}")
    if not draft:
        grants.add(f"a{a}.leader")
    if document.secrecy:
        grants |= {f"a{a}.o{p}" for p in (document.approved_by_id, document.issued_by_id) if p}
        if document.register_id:
            grants.add(f"a{a}.reg{document.register_id}")
    elif not draft:
        grants.add(f"a{a}.clerk")
        if document.drafting_unit_id:
            grants.add(f"a{a}.u{document.drafting_unit_id}")
    recipients = "" if new else "\n".join(OutgoingRecipient.objects.filter(document=document).values_list("name", flat=True))
    instructions, comments = ("", "") if new else _events(document)
    issuer = document.agency.name if document.agency_id else ""
    return search.IndexEntry.build(
        OUTGOING,
        document.pk,
        a,
        fields={
            "code": document.written_number,
            "subject": document.subject,
            "issuer": issuer,
            "signer": _signer(document),
            "type": document.get_document_type_display(),
            "recipients": recipients,
            "instructions": instructions,
            "comments": "\n".join(p for p in (comments, document.description) if p),
            "attachments": "" if new else _attachments_text(document),
        },
        filters={
            "date": _date(document),
            "secrecy": SECRECY_LEVEL.get(document.secrecy, 3),
            "type": document.document_type,
            "status": document.status,
            "register": document.register_id,
            "urgency": document.urgency or "normal",
            "issuer": issuer_tag(issuer),
            "assigned": [document.drafter_id],
        },
        grants=sorted(grants),
        title=document.subject,
    )


def entry_for(document: Document, *, new: bool = False) -> search.IndexEntry:
    return incoming_entry(document, new=new) if isinstance(document, IncomingDocument) else outgoing_entry(document, new=new)


def reindex_document(document: Document, *, new: bool = False) -> None:
    """Write `document`'s entry (in the caller's transaction); `new` when the row was just inserted."""
    if document.pk is None:
        return
    search.index_entries([entry_for(document, new=new)], new=new)


def issuer_tag(name: str) -> str:
    """The issuer as a filter value: folded, spaces collapsed (`"UBND tỉnh Hòa Bình"` → `ubnd tinh hoa binh`)."""
    return " ".join(fold(name or "").split())[:150]


# --- reindex provider ---------------------------------------------------------------------------
def _incoming_entries() -> Iterator[search.IndexEntry]:
    for document in IncomingDocument.objects.order_by("pk").iterator(chunk_size=500):
        yield incoming_entry(document)


def _outgoing_entries() -> Iterator[search.IndexEntry]:
    for document in OutgoingDocument.objects.select_related("agency").order_by("pk").iterator(chunk_size=500):
        yield outgoing_entry(document)


# --- signals ------------------------------------------------------------------------------------
def _document_saved(sender: Any, instance: Document, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        reindex_document(instance, new=created)


def _document_deleted(sender: Any, instance: Document, **kwargs: Any) -> None:
    search.remove(INCOMING if isinstance(instance, IncomingDocument) else OUTGOING, [instance.pk])


#: Events after which the entry is rewritten: their text is indexed, or they come with assignment
#: changes (bulk writes that send no signal). Openings, reminders and deliveries change nothing indexed.
REINDEX_EVENTS = frozenset({*INSTRUCTION_EVENTS, *COMMENT_EVENTS, EventKind.EXTENSION_GRANTED, EventKind.CANCELLED})


def _event_saved(sender: Any, instance: DocumentEvent, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.kind not in REINDEX_EVENTS:
        return
    document = instance.incoming or instance.outgoing
    if document is not None:
        reindex_document(document)


def _recipient_saved(sender: Any, instance: OutgoingRecipient, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        reindex_document(instance.document)


def _attachment_saved(sender: Any, instance: Attachment, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw and instance.file:
        queue_attachment(instance)


def connect() -> None:
    """Keep the index in step with documents, register the reindex provider and the text sink."""
    for model in (IncomingDocument, OutgoingDocument):
        post_save.connect(_document_saved, sender=model, dispatch_uid=f"search-{model.__name__}")
        post_delete.connect(_document_deleted, sender=model, dispatch_uid=f"search-del-{model.__name__}")
    post_save.connect(_event_saved, sender=DocumentEvent, dispatch_uid="search-event")
    post_save.connect(_recipient_saved, sender=OutgoingRecipient, dispatch_uid="search-recipient")
    post_save.connect(_attachment_saved, sender=Attachment, dispatch_uid="search-attachment")
    search.register_provider(INCOMING, entries=_incoming_entries, count=lambda: IncomingDocument.objects.count())
    search.register_provider(OUTGOING, entries=_outgoing_entries, count=lambda: OutgoingDocument.objects.count())
    register_sink(SINK, on_text=save_attachment_text, on_failure=extraction_failed)


# --- searching ----------------------------------------------------------------------------------
def access_for(scope: Scope) -> search.Access:
    """`documents.access`'s rules as grants (see the module docstring); no agency-wide opening,
    so drafts, secret documents and unassigned documents stay out for whom they must."""
    me = scope.official.pk
    grants: set[str] = set()
    for agency_id, roles in scope.roles.items():
        grants.add(f"a{agency_id}.o{me}")
        if Role.CLERK in roles:
            grants.add(f"a{agency_id}.clerk")
        if Role.LEADER in roles:
            grants.add(f"a{agency_id}.leader")
        units = scope.units.get(agency_id, set())
        grants |= {f"a{agency_id}.lu{u}" for u in scope.led_units & units}
        if Role.SPECIALIST in roles and scope.see_unit.get(agency_id, True):
            grants |= {f"a{agency_id}.u{u}" for u in units}
    if scope.kept_registers:
        for register_id, agency_id in Register.objects.filter(pk__in=scope.kept_registers, agency_id__in=scope.agency_ids).values_list(
            "pk", "agency_id"
        ):
            grants.add(f"a{agency_id}.reg{register_id}")
    return search.Access.for_agencies(max_secrecy=0, grants=sorted(grants))


@dataclass
class Filters:
    kinds: Sequence[str] = ()
    doc_type: str = ""
    issuer: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    urgency: str = ""
    status: str = ""
    register: int | None = None
    assigned_to_me: bool = False
    agency_id: int | None = None


@dataclass
class Result:
    hit: search.Hit
    document: Document

    @property
    def kind(self) -> str:
        return "incoming" if self.hit.kind == INCOMING else "outgoing"


@dataclass
class Results:
    results: list[Result]
    next_cursor: str | None
    total: int | None
    total_is_exact: bool
    corrected_query: str | None


def search_documents(
    scope: Scope,
    query: str,
    filters: Filters | None = None,
    *,
    order: str = "newest",
    limit: int = 20,
    cursor: str | None = None,
    prefix: bool = False,
    count: bool = False,
) -> Results:
    """Search the documents `scope`'s official may see. Raises `DomainError` for bad input."""
    f = filters or Filters()
    tags: dict[str, Any] = {}
    if f.urgency:
        tags["urgency"] = f.urgency
    if f.status:
        tags["status"] = f.status
    if f.register:
        tags["register"] = int(f.register)
    if f.issuer.strip():
        tags["issuer"] = issuer_tag(f.issuer)
    if f.assigned_to_me:
        tags["assigned"] = scope.official.pk
    kinds = [k for k in (f.kinds or KINDS) if k in KINDS] or list(KINDS)
    page = search.search(
        query,
        access=access_for(scope),
        kinds=kinds,
        agency_ids=[f.agency_id] if f.agency_id else [],
        date_from=f.date_from,
        date_to=f.date_to,
        doc_types=[f.doc_type] if f.doc_type else [],
        filters=tags,
        order="relevance" if order == "relevance" else "newest",
        limit=limit,
        cursor=cursor,
        prefix=prefix,
        count=count,
    )
    incoming_ids = [h.object_id for h in page.hits if h.kind == INCOMING]
    outgoing_ids = [h.object_id for h in page.hits if h.kind == OUTGOING]
    documents: dict[tuple[str, int], Document] = {}
    for doc in IncomingDocument.objects.filter(pk__in=incoming_ids):
        documents[(INCOMING, doc.pk)] = doc
    for out in OutgoingDocument.objects.filter(pk__in=outgoing_ids):
        documents[(OUTGOING, out.pk)] = out
    results = [Result(h, documents[(h.kind, h.object_id)]) for h in page.hits if (h.kind, h.object_id) in documents]
    return Results(results, page.next_cursor, page.total, page.total_is_exact, page.corrected_query)
