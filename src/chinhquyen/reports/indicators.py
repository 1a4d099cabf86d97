"""The indicators: one small class per figure, each with its definition next to it.

Every indicator answers `compute(agency_ids, period)` with a `Value` (numerator, denominator,
ratio, and the query of the records behind the figure) and `by_agency(agency_ids, period)`
with one `Value` per agency — both from one aggregate query (`GROUP BY`) on indexed columns,
never a loop over the rows in Python. The one-stop figures reuse `dossiers.selectors.
dossier_statistics` (its counters, including the Decision 766 raw counters) instead of counting
again.

`agency_ids=None` means every agency. Agencies closed in the 2025 reorganisation keep their
own figures (their records point at them); `rollup.successors` merges them on request.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chinhquyen.documents import statistics as document_statistics
from chinhquyen.documents.statistics import ATTACHMENT_SUBJECT, ORGANIZATION_SIGNATURE, PERSONAL_SIGNATURE  # noqa: F401 - re-exported
from chinhquyen.dossiers import selectors as dossier_selectors
from chinhquyen.exchange.models import Inbox, MessageKind, Outbox
from chinhquyen.organizations.models import Agency
from chinhquyen.procedures.models import OnlineMode, ProcedureInstance
from chinhquyen.workdays import engine

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Period:
    """Whole days, `start` to `end` inclusive, in Vietnam's time."""

    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(dt.date(year, month, 1), nxt - dt.timedelta(days=1))

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=VIETNAM)

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=VIETNAM)

    def months(self) -> list[Period]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(Period.month(day.year, day.month))
            day = out[-1].end + dt.timedelta(days=1)
        return out

    def label(self) -> str:
        if self.start.day == 1 and self.start.month == 1 and self.end == dt.date(self.start.year, 12, 31):
            return str(self.start.year)
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


@dataclass
class Value:
    """One figure. `ratio` is a percentage (0–100) or None when the denominator is 0."""

    numerator: float | int | None
    denominator: int | None = None
    ratio: float | None = None
    records_query: QuerySet[Any] | None = field(default=None, repr=False, compare=False)
    #: For the Decision 766 groups: points estimated from the portal's published curves.
    points: float | None = None
    max_points: float | None = None
    counters: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @classmethod
    def of(cls, numerator: int, denominator: int, records: QuerySet[Any] | None = None) -> Value:
        ratio = round(100 * numerator / denominator, 1) if denominator else None
        return cls(numerator, denominator, ratio, records)


class Indicator:
    """The contract: a code (stable: it is in the open data), a title, a definition saying the
    numerator, the denominator and which records count, and the legal reference."""

    code: ClassVar[str]
    title: ClassVar[str | Promise]
    definition: ClassVar[str | Promise]
    numerator_label: ClassVar[str | Promise] = ""
    denominator_label: ClassVar[str | Promise] = ""
    legal_reference: ClassVar[str] = ""
    group: ClassVar[str] = ""
    unit: ClassVar[str] = "%"  # "%", "count", "points", "rating"
    #: Figures the province publishes on its public page and in the open data.
    published: ClassVar[bool] = True
    #: An estimate (the national portal's own score is the official one).
    estimate: ClassVar[bool] = False

    def compute(self, agency_ids: Iterable[int] | None, period: Period) -> Value:
        values = self.values(agency_ids, period)
        return self.total(list(values.values()), agency_ids, period)

    def values(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        """`by_agency`, read once per `shared_reads()` block (the page's figure and its table column)."""
        ids = _ids(agency_ids)
        memo = _shared.get()
        if memo is None:
            return self.by_agency(ids, period)
        key = ("by_agency", self.code, None if ids is None else tuple(sorted(ids)), period)
        if key not in memo:
            memo[key] = self.by_agency(ids, period)
        return {k: dataclasses.replace(v) for k, v in memo[key].items()}  # callers may set fields on theirs

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        raise NotImplementedError

    def total(self, values: list[Value], agency_ids: Iterable[int] | None, period: Period) -> Value:
        numerator = sum(int(v.numerator or 0) for v in values)
        denominator = sum(v.denominator or 0 for v in values)
        return Value.of(numerator, denominator, self.records(agency_ids, period))

    #: The figure counts agencies, not records: a closed agency rolled up into its successor is
    #: one agency with it (`merge`), so the roll-up goes through `by_agency` (selectors.compute).
    counts_agencies: ClassVar[bool] = False

    def merge(self, values: list[Value], agency: int, period: Period) -> Value:
        """The values of an agency and of the closed agencies that roll up into it, as one."""
        return self.total(values, [agency], period)

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any] | None:
        return None


def _ids(agency_ids: Iterable[int] | None) -> list[int] | None:
    return None if agency_ids is None else list(agency_ids)


class RatioIndicator(Indicator):
    """numerator ⊂ denominator, both counts over one kind of document: the ratio `ratio` of
    `documents.statistics` (the conditions on the documents' fields live with the documents)."""

    ratio: ClassVar[str]

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        counts = document_statistics.ratio_by_agency(self.ratio, _ids(agency_ids), period.since, period.until)
        return {agency: Value.of(n, d) for agency, (n, d) in counts.items()}

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any]:
        return document_statistics.ratio_records(self.ratio, _ids(agency_ids), period.since, period.until, part)


# --- Electronic office (Decree 30/2020) ------------------------------------------------------------
class OutgoingElectronic(RatioIndicator):
    code = "VB_DI_DIEN_TU"
    group = "documents"
    title = _("Outgoing documents issued electronically")
    definition = _(
        "Documents issued in the period that carry the agency's digital (organisation) signature, "
        "out of all documents issued in the period (recalled ones included: they were issued). "
        "The others were issued on paper only."
    )
    numerator_label = _("issued with the organisation's digital signature")
    denominator_label = _("documents issued")
    legal_reference = "Nghị định 30/2020/NĐ-CP, Điều 8 và Phụ lục I; Quyết định 28/2018/QĐ-TTg"
    ratio = "outgoing_electronic"


class OutgoingBothSignatures(OutgoingElectronic):
    code = "VB_DI_HAI_CHU_KY"
    title = _("Outgoing documents with the personal and the organisation signature")
    definition = _(
        "Documents issued in the period whose file carries both the signer's personal digital "
        "signature (at approval) and the organisation's (at issue), out of all documents issued."
    )
    numerator_label = _("issued with both digital signatures")
    legal_reference = "Nghị định 30/2020/NĐ-CP, Phụ lục I mục II.8; Thông tư 01/2019/TT-BNV"
    ratio = "outgoing_both_signatures"


class AgenciesUsingDigitalSignatures(Indicator):
    code = "CQ_DUNG_CHU_KY_SO"
    group = "documents"
    counts_agencies = True
    title = _("Agencies using digital signatures")
    definition = _(
        "Agencies that issued in the period at least one outgoing document whose final file carries a valid "
        "digital signature (the latest validation report of the document's latest main file says valid), out "
        "of the agencies that issued any outgoing document in the period (recalled ones included). Agencies "
        "that issued nothing on the platform are left out. Each agency counts once; a closed agency counts "
        "under its own name, or with its successor as one agency when figures are rolled up."
    )
    numerator_label = _("agencies that issued a document with a valid digital signature")
    denominator_label = _("agencies that issued documents")
    legal_reference = (
        "Nghị định 30/2020/NĐ-CP, Điều 8 và Phụ lục I; Luật Giao dịch điện tử 20/2023/QH15, Điều 22–23; Nghị định 68/2024/NĐ-CP"
    )

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        out = {}
        for agency, (signed, issued) in document_statistics.signature_use_by_agency(_ids(agency_ids), period.since, period.until).items():
            value = Value.of(1 if signed else 0, 1)
            value.counters = {"documents_issued": issued, "documents_validly_signed": signed}
            out[agency] = value
        return out

    @staticmethod
    def _counters(values: list[Value]) -> dict[str, int]:
        return {k: sum(v.counters.get(k, 0) for v in values) for k in ("documents_issued", "documents_validly_signed")}

    def total(self, values: list[Value], agency_ids: Iterable[int] | None, period: Period) -> Value:
        value = super().total(values, agency_ids, period)
        value.counters = self._counters(values)
        return value

    def merge(self, values: list[Value], agency: int, period: Period) -> Value:
        value = Value.of(int(any(v.numerator for v in values)), int(any(v.denominator for v in values)), self.records([agency], period))
        value.counters = self._counters(values)
        return value

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any]:
        """The agencies counted (numerator) or all that issued documents (`part="all"`)."""
        ids = _ids(agency_ids)
        issuing = Agency.objects.filter(pk__in=document_statistics.issuing_agency_ids(ids, period.since, period.until))
        signing = Agency.objects.filter(pk__in=document_statistics.signing_agency_ids(ids, period.since, period.until))
        if part == "numerator":
            return signing
        if part == "rest":
            return issuing.exclude(pk__in=signing.values("pk"))
        return issuing


class IncomingElectronic(RatioIndicator):
    code = "VB_DEN_DIEN_TU"
    group = "documents"
    title = _("Incoming documents received electronically")
    definition = _(
        "Incoming documents received in the period through the exchange axis or from an agency of "
        "this platform, out of all incoming documents received in the period (paper ones included; "
        "documents recalled by their sender are left out)."
    )
    numerator_label = _("received electronically")
    denominator_label = _("documents received")
    legal_reference = "Nghị định 30/2020/NĐ-CP, Điều 22; Quyết định 28/2018/QĐ-TTg"
    ratio = "incoming_electronic"


class HandlingOnTime(RatioIndicator):
    code = "VB_DEN_DUNG_HAN"
    group = "documents"
    title = _("Handling deadlines met")
    definition = _(
        "Incoming documents with a handling deadline that fell in the period: those completed by "
        "their deadline, out of those completed or past their deadline (completed late or still open "
        "past the deadline count as missed; open ones whose deadline has not come are left out)."
    )
    numerator_label = _("completed by the deadline")
    denominator_label = _("documents whose deadline fell in the period")
    legal_reference = "Nghị định 30/2020/NĐ-CP, Điều 24"
    ratio = "handling_on_time"


class _WorkingDayIndicator(Indicator):
    """Decree 30, art. 22 and 24: registered, then presented, on the day of arrival or at the latest
    the next working day. Counted by one `GROUP BY (agency, day from, day to)` — the pairs of days
    are few — and the working calendar (`workdays.engine`) applied to each pair."""

    group = "documents"
    end_field: ClassVar[str]  # arrival_at (registered) or presented_at; counted from received_at

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        rows = document_statistics.day_pairs(self.end_field, _ids(agency_ids), period.since, period.until)
        hits: dict[int, int] = defaultdict(int)
        totals: dict[int, int] = defaultdict(int)
        for row in rows:
            totals[row["agency_id"]] += row["n"]
            if row["day_to"] <= engine.next_working_day(row["day_from"], agency=row["agency_id"]):
                hits[row["agency_id"]] += row["n"]
        return {agency: Value.of(hits[agency], totals[agency]) for agency in sorted(totals)}

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any]:
        return document_statistics.day_pair_records(self.end_field, _ids(agency_ids), period.since, period.until)


class RegisteredInTime(_WorkingDayIndicator):
    code = "VB_DEN_VAO_SO_KIP_THOI"
    title = _("Incoming documents registered on time")
    definition = _(
        "Incoming documents received in the period and registered: those registered on the day they "
        "arrived or the next working day, out of all registered."
    )
    numerator_label = _("registered the same or the next working day")
    denominator_label = _("documents received and registered")
    legal_reference = "Nghị định 30/2020/NĐ-CP, Điều 22 và Điều 24 khoản 1"
    end_field = "arrival_at"


class PresentedInTime(_WorkingDayIndicator):
    code = "VB_DEN_TRINH_KIP_THOI"
    title = _("Incoming documents presented on time")
    definition = _(
        "Incoming documents received in the period and presented to a leader: those presented on the "
        "day they arrived or the next working day, out of all presented."
    )
    numerator_label = _("presented the same or the next working day")
    denominator_label = _("documents received and presented")
    legal_reference = "Nghị định 30/2020/NĐ-CP, Điều 24 khoản 1"
    end_field = "presented_at"


# --- Exchange through the axis ---------------------------------------------------------------------
def _codes(agency_ids: list[int] | None) -> dict[str, int]:
    queryset = Agency.objects.all() if agency_ids is None else Agency.objects.filter(pk__in=agency_ids)
    # A code may be reused after a closure: the current agency keeps it (valid_to is None last).
    return {code: pk for pk, code in queryset.order_by(F("valid_to").asc(nulls_last=True)).values_list("pk", "code")}


class _ExchangeCount(Indicator):
    group = "exchange"
    unit = "count"
    model: ClassVar[Any]
    code_field: ClassVar[str]
    time_field: ClassVar[str]

    def base(self, agency_ids: list[int] | None, period: Period) -> QuerySet[Any]:
        queryset = self.model.objects.filter(
            kind=MessageKind.PACKAGE, **{f"{self.time_field}__gte": period.since, f"{self.time_field}__lt": period.until}
        ).filter(self.scope())
        if agency_ids is not None:
            queryset = queryset.filter(**{f"{self.code_field}__in": list(_codes(agency_ids))})
        return queryset  # type: ignore[no-any-return]

    def scope(self) -> Q:
        return Q()

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        ids = _ids(agency_ids)
        codes = _codes(ids)
        rows = self.base(ids, period).values(self.code_field).annotate(n=Count("pk")).order_by()
        out: dict[int, Value] = {}
        for row in rows:
            agency = codes.get(row[self.code_field])
            if agency is not None:
                previous = int(out[agency].numerator or 0) if agency in out else 0
                out[agency] = Value(previous + row["n"])
        return out

    def total(self, values: list[Value], agency_ids: Iterable[int] | None, period: Period) -> Value:
        return Value(sum(int(v.numerator or 0) for v in values), records_query=self.records(agency_ids, period))

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any]:
        return self.base(_ids(agency_ids), period)


class ExchangeSent(_ExchangeCount):
    code = "TRUC_GUI"
    title = _("Documents sent through the exchange axis")
    definition = _(
        "Document packages (edXML) the agency sent to the national or provincial axis in the period and "
        "the axis accepted (status messages and packages still waiting or refused are left out)."
    )
    numerator_label = _("packages sent")
    legal_reference = "QCVN 102:2016/BTTTT; Nghị định 30/2020/NĐ-CP, Điều 16"
    model = Outbox
    code_field = "sender_code"
    time_field = "sent_at"

    def scope(self) -> Q:
        return Q(state="sent")


class ExchangeReceived(_ExchangeCount):
    code = "TRUC_NHAN"
    title = _("Documents received through the exchange axis")
    definition = _(
        "Document packages (edXML) that arrived for the agency from the axis in the period and could be "
        "read (refused, unreadable packages are left out)."
    )
    numerator_label = _("packages received")
    legal_reference = "QCVN 102:2016/BTTTT; Nghị định 30/2020/NĐ-CP, Điều 22"
    model = Inbox
    code_field = "recipient_code"
    time_field = "received_at"

    def scope(self) -> Q:
        return ~Q(state="invalid")


# --- One-stop shop: reuses dossiers.selectors.dossier_statistics -----------------------------------
_shared: ContextVar[dict[Any, Any] | None] = ContextVar("reports_shared_reads", default=None)


@contextlib.contextmanager
def shared_reads() -> Iterator[None]:
    """Inside the block, the one-stop counters of one (agencies, period) are read once and shared by
    every indicator built on them (the six dossier figures, the six Decision 766 groups, the table's
    columns): one `GROUP BY` instead of one per indicator. Nested blocks share the outer one; the
    reads are forgotten when the outermost block ends (one page, one cache fill)."""
    if _shared.get() is not None:
        yield
        return
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def dossier_counters(agency_ids: Iterable[int] | None, period: Period) -> dict[int, dict[str, Any]]:
    """`dossier_statistics` by competent agency, keyed by agency id (its rows carry the code)."""
    ids = _ids(agency_ids)
    if ids == []:
        return {}
    memo = _shared.get()
    key = ("dossier_counters", None if ids is None else tuple(sorted(ids)), period)
    if memo is not None and key in memo:
        return memo[key]  # type: ignore[no-any-return]
    codes = _codes(ids)
    rows = dossier_selectors.dossier_statistics(agency_ids=ids, group_by="agency", date_from=period.start, date_to=period.end)
    out = {codes[row["key"]]: row for row in rows if row["key"] in codes}
    if memo is not None:
        memo[key] = out
    return out


SUMMED = (
    "received resolved resolved_early resolved_on_time resolved_late index_late in_progress_on_time in_progress_overdue "
    "paused refused withdrawn online postal digitized electronic_result paid_online with_payment rated not_satisfied"
).split()


def sum_counters(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Adds the counters of several agencies; the average rating is weighted by the ratings."""
    total: dict[str, Any] = dict.fromkeys(SUMMED, 0)
    points = 0.0
    for row in rows:
        for key in SUMMED:
            total[key] += row.get(key) or 0
        points += (row.get("average_rating") or 0) * (row.get("rated") or 0)
    total["average_rating"] = round(points / total["rated"], 2) if total["rated"] else None
    return total


class _DossierIndicator(Indicator):
    group = "dossiers"
    numerator_key: ClassVar[str | tuple[str, ...]]
    denominator_key: ClassVar[str] = "received"

    def value(self, row: dict[str, Any]) -> Value:
        keys = (self.numerator_key,) if isinstance(self.numerator_key, str) else self.numerator_key
        numerator = sum(row.get(k) or 0 for k in keys)
        return Value.of(numerator, row.get(self.denominator_key) or 0)

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        return {agency: self.value(row) for agency, row in dossier_counters(agency_ids, period).items()}

    def compute(self, agency_ids: Iterable[int] | None, period: Period) -> Value:
        value = self.value(sum_counters(dossier_counters(agency_ids, period).values()))
        value.records_query = self.records(agency_ids, period)
        return value

    #: Which received dossiers the numerator counts (`dossiers.selectors.RECEIVED_PARTS`).
    numerator_part: ClassVar[str] = "all"

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any]:
        which = self.numerator_part if part == "numerator" else "all"
        return dossier_selectors.received_dossiers(_ids(agency_ids), period.since, period.until, which)


class DossiersReceived(_DossierIndicator):
    code = "HS_TIEP_NHAN"
    unit = "count"
    title = _("Dossiers received")
    definition = _("Dossiers received in the period by the agencies competent to resolve them (every channel).")
    numerator_label = _("dossiers received")
    legal_reference = "Nghị định 61/2018/NĐ-CP (sửa đổi bởi Nghị định 107/2021/NĐ-CP); Nghị định 118/2025/NĐ-CP"
    numerator_key = "received"

    def value(self, row: dict[str, Any]) -> Value:
        return Value(row.get("received") or 0)


class DossiersOnTime(_DossierIndicator):
    code = "HS_DUNG_HAN"
    title = _("Dossiers resolved early or on time")
    definition = _(
        "Dossiers received in the period and resolved (result ready or returned): those resolved before "
        "or on their appointment, out of all resolved. Early, on time and late are shown apart."
    )
    numerator_label = _("resolved early or on time")
    denominator_label = _("dossiers resolved")
    legal_reference = "Nghị định 61/2018/NĐ-CP, Điều 19; Quyết định 766/QĐ-TTg, chỉ số 2.1"
    numerator_key = ("resolved_early", "resolved_on_time")
    denominator_key = "resolved"

    def value(self, row: dict[str, Any]) -> Value:
        value = super().value(row)
        value.counters = {k: row.get(k) or 0 for k in ("resolved_early", "resolved_on_time", "resolved_late")}
        return value

    numerator_part = "on_time"


class DossiersOnline(_DossierIndicator):
    code = "HS_TRUC_TUYEN"
    title = _("Dossiers submitted online")
    definition = _("Dossiers received in the period that were submitted online, out of all dossiers received.")
    numerator_label = _("submitted online")
    denominator_label = _("dossiers received")
    legal_reference = "Nghị định 42/2022/NĐ-CP; Quyết định 766/QĐ-TTg, chỉ số 3.3"
    numerator_key = "online"

    numerator_part = "online"


class DossiersDigitized(_DossierIndicator):
    code = "HS_SO_HOA"
    title = _("Dossiers with digitised components")
    definition = _("Dossiers received in the period whose components were digitised, out of all dossiers received.")
    numerator_label = _("with digitised components")
    denominator_label = _("dossiers received")
    legal_reference = "Nghị định 45/2020/NĐ-CP; Quyết định 766/QĐ-TTg, chỉ số 4.2"
    numerator_key = "digitized"

    numerator_part = "digitized"


class DossiersRating(_DossierIndicator):
    code = "HS_DANH_GIA"
    unit = "rating"
    title = _("Average satisfaction rating")
    definition = _(
        "The average of the points of the ratings given to dossiers received in the period "
        "(Circular 03/2025 scale), with the number of dossiers rated."
    )
    numerator_label = _("average points")
    denominator_label = _("dossiers rated")
    legal_reference = "Thông tư 03/2025/TT-VPCP; Quyết định 766/QĐ-TTg, nhóm Mức độ hài lòng"
    numerator_key = "rated"
    denominator_key = "rated"

    def value(self, row: dict[str, Any]) -> Value:
        return Value(row.get("average_rating"), row.get("rated") or 0, None)

    numerator_part = "rated"


class ProceduresOnline(Indicator):
    code = "TTHC_TRUC_TUYEN"
    group = "dossiers"
    title = _("Procedures offered online")
    definition = _(
        "Procedures the agency carries out (active instances) whose version in force today is offered as a "
        "full or partial online service, out of all of them. A snapshot: the period does not change it."
    )
    numerator_label = _("offered online (full + partial)")
    denominator_label = _("procedures carried out")
    legal_reference = "Nghị định 42/2022/NĐ-CP, Điều 11; Quyết định 766/QĐ-TTg, chỉ số 3.1"

    def base(self, agency_ids: Iterable[int] | None) -> QuerySet[ProcedureInstance]:
        queryset = ProcedureInstance.objects.filter(active=True)
        if agency_ids is not None:
            queryset = queryset.filter(agency_id__in=list(agency_ids))
        return queryset

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        current = Q(procedure__versions__valid_to__isnull=True)
        rows = (
            self.base(agency_ids)
            .values("agency_id")
            .annotate(
                full=Count("pk", filter=current & Q(procedure__versions__online_mode=OnlineMode.FULL), distinct=True),
                partial=Count("pk", filter=current & Q(procedure__versions__online_mode=OnlineMode.PARTIAL), distinct=True),
                d=Count("pk", distinct=True),
            )
            .order_by("agency_id")
        )
        out = {}
        for row in rows:
            value = Value.of(row["full"] + row["partial"], row["d"])
            value.counters = {"full": row["full"], "partial": row["partial"]}
            out[row["agency_id"]] = value
        return out

    def total(self, values: list[Value], agency_ids: Iterable[int] | None, period: Period) -> Value:
        value = super().total(values, agency_ids, period)
        value.counters = {k: sum(v.counters.get(k, 0) for v in values) for k in ("full", "partial")}
        return value

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any]:
        queryset = self.base(agency_ids)
        if part == "numerator":
            queryset = queryset.filter(
                procedure__versions__valid_to__isnull=True,
                procedure__versions__online_mode__in=[OnlineMode.FULL, OnlineMode.PARTIAL],
            )
        return queryset.distinct()


# --- Decision 766: the portal's six groups, estimated from our counters ----------------------------
def _curve(points: float, rate: float | None, saturation: float = 1.0) -> float | None:
    """The portal's curves (STANDARDS §13.1.3): min(max, max × rate ÷ saturation)."""
    if rate is None:
        return None
    return round(min(points, points * rate / saturation), 2)


@dataclass(frozen=True)
class Metric:
    """One scored indicator of a 766 group: its points and how we estimate it (or why we cannot)."""

    code: str
    max_points: float
    label: str
    numerator: str = ""
    denominator: str = ""
    saturation: float = 1.0
    #: Why it is not estimated (the platform does not hold the data, or the formula is unknown).
    unknown: str | Promise = ""


class Group766(Indicator):
    """A group of Decision 766 as the national portal shows it. **An estimate**: the portal scores
    from the data synchronised to it, with curves reverse-engineered by others (STANDARDS §13.1.3);
    only the portal's score is official. Metrics whose data the platform does not hold, or whose
    formula is unknown, score nothing here and say why; the group's estimate then covers only the
    metrics we can estimate and says so."""

    group = "766"
    unit = "points"
    estimate = True
    published = False  # the national portal publishes the official score
    legal_reference = "Quyết định 766/QĐ-TTg ngày 23/06/2022; công thức và thang điểm của Cổng DVCQG (ước tính)"
    max_points: ClassVar[float]
    metrics: ClassVar[tuple[Metric, ...]]

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        return {agency: self.score(row) for agency, row in dossier_counters(agency_ids, period).items()}

    def compute(self, agency_ids: Iterable[int] | None, period: Period) -> Value:
        return self.score(sum_counters(dossier_counters(agency_ids, period).values()))

    def derived(self, row: dict[str, Any]) -> dict[str, Any]:
        return dict(row)

    def score(self, row: dict[str, Any]) -> Value:
        counters = self.derived(row)
        points = 0.0
        covered = 0.0
        lines = []
        for metric in self.metrics:
            rate = None
            if not metric.unknown:
                denominator = counters.get(metric.denominator) or 0
                rate = counters.get(metric.numerator, 0) / denominator if denominator else None
            got = _curve(metric.max_points, rate, metric.saturation)
            if got is not None:
                points += got
                covered += metric.max_points
            lines.append(
                {
                    "code": metric.code,
                    "label": metric.label,
                    "max_points": metric.max_points,
                    "numerator": counters.get(metric.numerator) if metric.numerator else None,
                    "denominator": counters.get(metric.denominator) if metric.denominator else None,
                    "rate": round(100 * rate, 1) if rate is not None else None,
                    "points": got,
                    "unknown": str(metric.unknown),
                }
            )
        value = Value(
            round(points, 2) if covered else None,
            None,
            None,
            points=round(points, 2) if covered else None,
            max_points=covered,
            counters={"metrics": lines, **{k: counters.get(k) for k in SUMMED}},
        )
        if covered < self.max_points:
            value.note = str(_("Estimated over %(covered)s of %(max)s points; the rest cannot be estimated from this platform's data.")) % {
                "covered": f"{covered:g}",
                "max": f"{self.max_points:g}",
            }
        return value

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any]:
        return dossier_selectors.received_dossiers(_ids(agency_ids), period.since, period.until)


NOT_HELD = _("The platform does not hold this data (it is on the national portal).")
NO_PAKN = _("Citizen feedback (PAKN) is not handled on this platform.")


class CKMB(Group766):
    code = "766_CKMB"
    title = _("Decision 766 — publicity and transparency (CKMB), estimate")
    definition = _(
        "18 points: procedures published on time (6), updated and publicised on time (4), published with all "
        "their parts (2), dossiers synchronised to the national portal (6). Curve: linear, max × rate. The "
        "platform cannot count these: it shows the group's maximum and nothing estimated."
    )
    max_points = 18
    metrics = (
        Metric("PUBLISH_ON_TIME", 6, "TTHC công bố đúng hạn", unknown=NOT_HELD),
        Metric("PUBLIC_UPDATE_ON_TIME", 4, "TTHC cập nhật, công khai đúng hạn", unknown=NOT_HELD),
        Metric("PUBLIC_CONTENT_FULL", 2, "Công khai đầy đủ bộ phận tạo thành", unknown=NOT_HELD),
        Metric("DOSSIER_SYNC", 6, "Tỷ lệ hồ sơ đồng bộ", unknown=NOT_HELD),
    )


class TDGQ(Group766):
    code = "766_TDGQ"
    title = _("Decision 766 — resolution progress (TDGQ), estimate")
    definition = _(
        "20 points × (dossiers resolved on time under the index's rules + dossiers still within their time) ÷ "
        "dossiers received in the period (indicator 2.1; the index counts a dossier late after a second "
        "supplement request and subtracts supplement time)."
    )
    max_points = 20
    metrics = (Metric("TDGQ", 20, "Trước hạn, đúng hạn", "index_on_time", "received"),)

    def derived(self, row: dict[str, Any]) -> dict[str, Any]:
        out = dict(row)
        out["index_on_time"] = (row.get("resolved") or 0) - (row.get("index_late") or 0) + (row.get("in_progress_on_time") or 0)
        return out


class DVCTT(Group766):
    code = "766_DVCTT"
    title = _("Decision 766 — online public services (DVCTT), counters only")
    definition = _(
        "12 points: full-online dossiers ÷ dossiers of procedures eligible for full online service. The "
        "portal's scoring curve for this group is not known: the page shows the counters, no points."
    )
    max_points = 12
    metrics = (Metric("DVCTT", 12, "Hồ sơ trực tuyến", "online", "received", unknown=_("The portal's formula is not known.")),)


class TTTT(Group766):
    code = "766_TTTT"
    title = _("Decision 766 — online payment (TTTT), partly estimated")
    definition = _(
        "10 points = 6·A + min(2, 2.5·B) + 2.5·C, where A = dossiers paid online ÷ dossiers with a fee to pay, "
        "B and C are counted by procedure on the portal. The platform estimates the 6·A part only."
    )
    max_points = 10
    metrics = (
        Metric("A", 6, "Hồ sơ thanh toán trực tuyến", "paid_online", "with_payment"),
        Metric("B", 2, "TTHC có giao dịch thanh toán trực tuyến", unknown=NOT_HELD),
        Metric("C", 2, "TTHC có phí đã tích hợp thanh toán", unknown=NOT_HELD),
    )


class MDHL(Group766):
    code = "766_MDHL"
    title = _("Decision 766 — satisfaction (MDHL), partly estimated")
    definition = _(
        "18 points: PAKN handled on time (6), satisfaction with PAKN handling (6), satisfaction with dossier "
        "reception and resolution (6) = min(6, 6 × rate ÷ 90 %), rate = (resolved − late − not satisfied) ÷ "
        "resolved. The platform estimates the last one only."
    )
    max_points = 18
    metrics = (
        Metric("PETITION_PROCESSING_ON_TIME", 6, "PAKN đúng hạn", unknown=NO_PAKN),
        Metric("PETITION_HANDLING_SATISFACTION", 6, "Hài lòng xử lý PAKN", unknown=NO_PAKN),
        Metric("DOSSIER_RECEIVING_SATISFACTION", 6, "Hài lòng tiếp nhận, giải quyết TTHC", "satisfied", "resolved", 0.9),
    )

    def derived(self, row: dict[str, Any]) -> dict[str, Any]:
        out = dict(row)
        out["satisfied"] = max(0, (row.get("resolved") or 0) - (row.get("resolved_late") or 0) - (row.get("not_satisfied") or 0))
        return out


class MDSH(Group766):
    code = "766_MDSH"
    title = _("Decision 766 — digitisation (MDSH), partly estimated")
    definition = _(
        "22 points: electronic result (6) = resolved with an electronic result ÷ resolved; digitised dossiers (4) "
        "= dossiers with digitised components ÷ received; certified copies (2), reuse of digitised data (2), "
        "personal data store (4) and population data (2 + 2) are counted on the portal. Curve: min(max, max × rate)."
    )
    max_points = 22
    metrics = (
        Metric("ORIGINAL_RESULT_AVAILABLE", 6, "Kết quả điện tử", "electronic_result", "resolved"),
        Metric("SO_HOA_GIAY_TO_GIAI_QUYET", 4, "Số hóa hồ sơ", "digitized", "received"),
        Metric("ELECTRONIC_CERTIFIED_COPY", 2, "Bản sao điện tử có chứng thực", unknown=NOT_HELD),
        Metric("REUSED_DIGITIZED_DATA", 2, "Tái sử dụng dữ liệu số hóa", unknown=NOT_HELD),
        Metric("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 4, "Kho dữ liệu cá nhân", unknown=NOT_HELD),
        Metric("CITIZEN_DATA_CONNECTED_DOSSIER", 2, "Dữ liệu dân cư (hồ sơ)", unknown=NOT_HELD),
        Metric("CITIZEN_DATA_CONNECTED_FORMALITY", 2, "Dữ liệu dân cư (thủ tục)", unknown=NOT_HELD),
    )


# --- the yearly survey (what the platform cannot count) --------------------------------------------
class SurveyComputers(Indicator):
    code = "KS_MAY_TINH"
    group = "survey"
    title = _("Computers per official (yearly survey)")
    definition = _(
        "From the yearly survey the agencies' administrators fill in for the period's year: computers in use "
        "by officials, per 100 officials. Agencies that did not answer are left out."
    )
    numerator_label = _("computers")
    denominator_label = _("officials")
    legal_reference = "Quyết định 749/QĐ-TTg (Chương trình Chuyển đổi số quốc gia); khảo sát hằng năm của tỉnh"

    def base(self, agency_ids: Iterable[int] | None, period: Period) -> QuerySet[Any]:
        from chinhquyen.reports.models import SurveyResponse

        queryset = SurveyResponse.objects.filter(year=period.start.year)
        if agency_ids is not None:
            queryset = queryset.filter(agency_id__in=list(agency_ids))
        return queryset

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        rows = self.base(agency_ids, period).values("agency_id", "computers", "officials")
        return {r["agency_id"]: Value.of(r["computers"], r["officials"]) for r in rows}

    def records(self, agency_ids: Iterable[int] | None, period: Period, part: str = "numerator") -> QuerySet[Any]:
        return self.base(agency_ids, period)


class SurveyDirectivesPublished(SurveyComputers):
    code = "KS_CHI_THI_CONG_KHAI"
    title = _("Directives published on the web portal (yearly survey)")
    definition = _(
        "From the yearly survey for the period's year: directives (Chỉ thị) the agency issued in the year and "
        "published on its web portal, out of the directives it issued in the year, both as its administrator "
        "reports them (the platform records the issue of a directive, not its publication on a portal). "
        "Agencies that did not answer these two questions are left out. Shown beside it: the directives "
        "issued in the year as recorded on this platform, to compare with the answer."
    )
    numerator_label = _("directives published on the web portal")
    denominator_label = _("directives issued")
    legal_reference = "Nghị định 42/2022/NĐ-CP (thông tin chỉ đạo, điều hành trên cổng thông tin điện tử); Nghị định 30/2020/NĐ-CP, Điều 7"

    def base(self, agency_ids: Iterable[int] | None, period: Period) -> QuerySet[Any]:
        return super().base(agency_ids, period).filter(directives_issued__isnull=False)

    def on_platform(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, int]:
        """Directives issued in the period's year as recorded on the platform, by agency (one GROUP BY)."""
        year = Period.year(period.start.year)
        return document_statistics.directives_issued_by_agency(_ids(agency_ids), year.since, year.until)

    def by_agency(self, agency_ids: Iterable[int] | None, period: Period) -> dict[int, Value]:
        ids = _ids(agency_ids)
        recorded = self.on_platform(ids, period)
        out = {}
        for row in self.base(ids, period).values("agency_id", "directives_issued", "directives_published"):
            value = Value.of(row["directives_published"], row["directives_issued"])
            value.counters = {"recorded_on_platform": recorded.get(row["agency_id"], 0)}
            out[row["agency_id"]] = value
        return out

    def total(self, values: list[Value], agency_ids: Iterable[int] | None, period: Period) -> Value:
        value = super().total(values, agency_ids, period)
        value.counters = {"recorded_on_platform": sum(v.counters.get("recorded_on_platform", 0) for v in values)}
        return value


def survey_by_level(year: int) -> list[dict[str, Any]]:
    """The survey's counts added up by level of agency (province, commune…), one GROUP BY."""
    from django.db.models import Sum

    from chinhquyen.reports.models import COUNTS, SurveyResponse

    rows = (
        SurveyResponse.objects.filter(year=year)
        .values("agency__level")
        .annotate(agencies=Count("pk"), iso_9001=Count("pk", filter=Q(iso_9001=True)), **{name: Sum(name) for name, _label in COUNTS})
        .order_by("agency__level")
    )
    out = []
    for row in rows:
        item = dict(row)
        item["level"] = item.pop("agency__level")
        item["computers_per_100"] = round(100 * item["computers"] / item["officials"], 1) if item["officials"] else None
        out.append(item)
    return out


# --- registry ----------------------------------------------------------------------------------------
REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in REGISTRY:
        raise ValueError(f"indicator {indicator.code} registered twice")
    REGISTRY[indicator.code] = indicator
    return indicator


for _cls in (
    OutgoingElectronic,
    OutgoingBothSignatures,
    AgenciesUsingDigitalSignatures,
    IncomingElectronic,
    HandlingOnTime,
    RegisteredInTime,
    PresentedInTime,
    ExchangeSent,
    ExchangeReceived,
    DossiersReceived,
    DossiersOnTime,
    DossiersOnline,
    DossiersDigitized,
    DossiersRating,
    ProceduresOnline,
    CKMB,
    TDGQ,
    DVCTT,
    TTTT,
    MDHL,
    MDSH,
    SurveyComputers,
    SurveyDirectivesPublished,
):
    register(_cls())


GROUP_TITLES = {
    "documents": _("Electronic office"),
    "exchange": _("Document exchange"),
    "dossiers": _("One-stop shop"),
    "766": _("Decision 766 index (estimate)"),
    "survey": _("Yearly survey"),
}


def get(code: str) -> Indicator:
    try:
        return REGISTRY[code]
    except KeyError:
        raise LookupError(code) from None
