"""Reads behind the e-government indicators (`reports.indicators`), owned here (ADR 0038: one read
path): the reports app asks for counts by agency and for the query of the records behind a figure,
and never queries documents itself. The records are listed for a viewer by
`list_incoming_for_viewer` / `list_outgoing_for_viewer` (registered with `core.records`), with the
office's own rules (`access.visible_incoming`, `access.visible_outgoing`).

What each figure counts is defined in `reports.indicators` (title, definition, legal reference);
the conditions on the documents' fields are here, next to the models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from chinhquyen.core.errors import PermissionDenied
from chinhquyen.core.records import RecordList, rows_of
from chinhquyen.documents import access
from chinhquyen.documents.models import (
    Attachment,
    AttachmentKind,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    Source,
)
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.reference import DocumentType

#: The labels `services._store_signed` puts on the signed versions of an outgoing document.
PERSONAL_SIGNATURE = "personal signature"
ORGANIZATION_SIGNATURE = "organisation signature"
#: The subject type under which `integrations.signing` keeps an attachment's validation reports.
ATTACHMENT_SUBJECT = "documents.Attachment"

ISSUED = [OutgoingStatus.ISSUED, OutgoingStatus.RECALLED]


# --- ratios: numerator ⊂ denominator, both counts over one model -----------------------------------
def _organization_signed(queryset: QuerySet[Any]) -> QuerySet[Any]:
    signed = Attachment.objects.filter(outgoing=OuterRef("pk"), kind=AttachmentKind.MAIN, comment=ORGANIZATION_SIGNATURE)
    return queryset.annotate(organization_signed=Exists(signed))


def _both_signed(queryset: QuerySet[Any]) -> QuerySet[Any]:
    mine = Attachment.objects.filter(outgoing=OuterRef("pk"), kind=AttachmentKind.MAIN)
    return queryset.annotate(
        personal_signed=Exists(mine.filter(comment=PERSONAL_SIGNATURE)),
        organization_signed=Exists(mine.filter(comment=ORGANIZATION_SIGNATURE)),
    )


def _handling_decided() -> Q:
    # An open document whose deadline has not come yet is neither met nor missed: left out.
    decided = Q(status=IncomingStatus.COMPLETED) | Q(due_at__lt=timezone.now())
    return ~Q(status=IncomingStatus.CANCELLED) & decided


@dataclass(frozen=True)
class Ratio:
    model: Any
    period_field: str
    scope: Callable[[], Q]  # the denominator's records
    hit: Callable[[], Q]  # which of them count in the numerator
    annotate: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda queryset: queryset


RATIOS: dict[str, Ratio] = {
    "outgoing_electronic": Ratio(
        OutgoingDocument, "issued_at", lambda: Q(status__in=ISSUED), lambda: Q(organization_signed=True), _organization_signed
    ),
    "outgoing_both_signatures": Ratio(
        OutgoingDocument, "issued_at", lambda: Q(status__in=ISSUED), lambda: Q(personal_signed=True, organization_signed=True), _both_signed
    ),
    "incoming_electronic": Ratio(
        IncomingDocument,
        "received_at",
        lambda: ~Q(status=IncomingStatus.CANCELLED),
        lambda: Q(source__in=[Source.ELECTRONIC, Source.INTERNAL]),
    ),
    "handling_on_time": Ratio(
        IncomingDocument,
        "due_at",
        _handling_decided,
        lambda: Q(status=IncomingStatus.COMPLETED, completed_at__lte=F("due_at")),
    ),
}


def _ratio_base(name: str, agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    ratio = RATIOS[name]
    queryset = ratio.model.objects.filter(**{f"{ratio.period_field}__gte": since, f"{ratio.period_field}__lt": until}).filter(ratio.scope())
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=agency_ids)
    return ratio.annotate(queryset)


def ratio_by_agency(name: str, agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> dict[int, tuple[int, int]]:
    """agency → (numerator, denominator) of the ratio `name` over [since, until)."""
    rows = (
        _ratio_base(name, agency_ids, since, until)
        .values("agency_id")
        .annotate(n=Count("pk", filter=RATIOS[name].hit()), d=Count("pk"))
        .order_by("agency_id")
    )
    return {row["agency_id"]: (row["n"], row["d"]) for row in rows}


def ratio_records(
    name: str, agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime, part: str = "numerator"
) -> QuerySet[Any]:
    """The records behind the ratio: the numerator's, the rest (`part="rest"`) or all. List them for
    a viewer with `core.records.list_records` (never directly)."""
    queryset = _ratio_base(name, agency_ids, since, until)
    if part == "numerator":
        return queryset.filter(RATIOS[name].hit())
    if part == "rest":
        return queryset.exclude(RATIOS[name].hit())
    return queryset


# --- agencies using digital signatures -----------------------------------------------------------
def _issued(agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> QuerySet[OutgoingDocument]:
    queryset = OutgoingDocument.objects.filter(status__in=ISSUED, issued_at__gte=since, issued_at__lt=until)
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=agency_ids)
    return queryset


def _with_final_indication(documents: QuerySet[OutgoingDocument]) -> QuerySet[OutgoingDocument]:
    """`final_indication`: what the latest validation report of each document's final file (its
    latest main-file version) says, or None when that file was never validated. Reports are kept by
    `integrations.signing` for every signed version when it is stored, and re-validated when the
    trust changes (the newer report supersedes the old one)."""
    from chinhquyen.signing import selectors as signing

    final_file = Attachment.objects.filter(outgoing=OuterRef("pk"), kind=AttachmentKind.MAIN).order_by("-version", "-pk").values("pk")[:1]
    return documents.annotate(final_file=_subquery(final_file)).annotate(
        final_indication=signing.latest_indication_of(ATTACHMENT_SUBJECT, OuterRef("final_file"))
    )


def _subquery(queryset: QuerySet[Any]) -> Any:
    from django.db.models import Subquery

    return Subquery(queryset)


def _validly_signed(agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> QuerySet[OutgoingDocument]:
    from chinhquyen.signing.models import Indication

    return _with_final_indication(_issued(agency_ids, since, until)).filter(Q(final_indication=Indication.PASSED))


def signature_use_by_agency(agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> dict[int, tuple[int, int]]:
    """agency → (documents issued with a valid signature on their final file, documents issued)."""
    from chinhquyen.signing.models import Indication

    rows = (
        _with_final_indication(_issued(agency_ids, since, until))
        .values("agency_id")
        .annotate(signed=Count("pk", filter=Q(final_indication=Indication.PASSED)), issued=Count("pk"))
        .order_by("agency_id")
    )
    return {row["agency_id"]: (row["signed"], row["issued"]) for row in rows}


def issuing_agency_ids(agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    """The ids of the agencies that issued a document in the period (a subquery for the caller)."""
    return _issued(agency_ids, since, until).values("agency_id")


def signing_agency_ids(agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    """The ids of the agencies that issued a document with a valid signature on its final file."""
    return _validly_signed(agency_ids, since, until).values("agency_id")


# --- registered / presented by the next working day (art. 22, 24) ---------------------------------
def _arrived(end_field: str, agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> QuerySet[IncomingDocument]:
    if end_field not in ("arrival_at", "presented_at"):
        raise ValueError(end_field)
    queryset = IncomingDocument.objects.filter(received_at__gte=since, received_at__lt=until, **{f"{end_field}__isnull": False})
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=agency_ids)
    return queryset


def day_pairs(end_field: str, agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> list[dict[str, Any]]:
    """(agency_id, day_from = day received, day_to = day of `end_field`, n) for the documents received
    in the period whose `end_field` (arrival_at: registered; presented_at: presented) is set: one
    `GROUP BY` — the pairs of days are few; the caller applies the working calendar to each pair."""
    return list(
        _arrived(end_field, agency_ids, since, until)
        .annotate(day_from=TruncDate("received_at", tzinfo=VIETNAM), day_to=TruncDate(end_field, tzinfo=VIETNAM))
        .values("agency_id", "day_from", "day_to")
        .annotate(n=Count("pk"))
        .order_by()
    )


def day_pair_records(end_field: str, agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> QuerySet[Any]:
    return _arrived(end_field, agency_ids, since, until)


# --- directives recorded on the platform -----------------------------------------------------------
def directives_issued_by_agency(agency_ids: list[int] | None, since: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """Directives (Chỉ thị) issued in [since, until), by agency (one GROUP BY)."""
    queryset = _issued(agency_ids, since, until).filter(document_type=DocumentType.DIRECTIVE)
    return dict(queryset.values("agency_id").annotate(n=Count("pk")).order_by().values_list("agency_id", "n"))


# --- the records, as the viewer may see them in the office -----------------------------------------
def _scope(viewer: Any) -> access.Scope | None:
    try:
        return access.scope_of(viewer)
    except PermissionDenied:
        return None


def _listed(queryset: QuerySet[Any], visible: QuerySet[Any] | None, limit: int, detail: str) -> RecordList:
    """The records of `queryset` that are in `visible`; the others counted as hidden, never read."""
    total = queryset.order_by().count()
    if visible is None:
        return RecordList(hidden=total)
    shown = queryset.filter(pk__in=visible.order_by().values("pk"))
    listed = rows_of(shown, limit, label=lambda d: d.label, url=lambda d: reverse(detail, args=[d.pk]))
    count = shown.order_by().count() if listed.more else len(listed.rows)
    return RecordList(rows=listed.rows, hidden=total - count, more=listed.more)


def list_incoming_for_viewer(queryset: QuerySet[Any], viewer: Any, limit: int) -> RecordList:
    """Incoming documents of a figure that `viewer` may open in the office (`access.visible_incoming`:
    a secret one only for the keepers of its register and its handling chain); the rest counted."""
    scope = _scope(viewer)
    visible = access.visible_incoming(scope, secret_inline=True) if scope is not None else None
    return _listed(queryset, visible, limit, "documents:incoming_detail")


def list_outgoing_for_viewer(queryset: QuerySet[Any], viewer: Any, limit: int) -> RecordList:
    """Outgoing documents of a figure that `viewer` may open in the office (`access.visible_outgoing`)."""
    scope = _scope(viewer)
    visible = access.visible_outgoing(scope) if scope is not None else None
    return _listed(queryset, visible, limit, "documents:outgoing_detail")
