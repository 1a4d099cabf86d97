"""The registers as the law prints them (Decree 30/2020 Phụ lục IV; STANDARDS §2.5): PDF (A4,
WeasyPrint, a Times-compatible serif) and Excel, with the cover fields (Năm; Từ ngày…đến ngày;
Từ số…đến số; Quyển số). Art. 16.2.b, 22.3.b: a register kept in the system is still printed in
full, with every column, signed and bound.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.documents.models import Assignment, Direction, IncomingDocument, IncomingStatus, OutgoingDocument, OutgoingStatus, Register
from chinhquyen.documents.numbering import VIETNAM
from chinhquyen.documents.reference import format_number

INCOMING_COLUMNS = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
OUTGOING_COLUMNS = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
HANDLING_COLUMNS = [
    "Số đến",
    "Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
]
KINDS = {"incoming": INCOMING_COLUMNS, "outgoing": OUTGOING_COLUMNS, "handling": HANDLING_COLUMNS}
TITLES = {
    "incoming": "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
    "outgoing": "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
    "handling": "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
}
#: One printed volume at most; a longer period is printed in several volumes (quyển).
MAX_ROWS = 5000


@dataclass
class RegisterSheet:
    kind: str
    register: Register
    date_from: dt.date
    date_to: dt.date
    volume: int
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    first_number: str = ""
    last_number: str = ""

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def year(self) -> int:
        return self.date_from.year


def _d(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(VIETNAM).date()
    return value.strftime("%d/%m/%Y")


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if date_to < date_from:
        raise DomainError(
            "documents.period_invalid", _("The end of the period is before its start."), fields={"date_to": [_("Before the start.")]}
        )
    if date_from.year != date_to.year:
        raise DomainError(
            "documents.period_two_years",
            _("A register covers one year (numbers restart on 1 January): choose dates in the same year."),
            fields={"date_to": [_("Same year as the start.")]},
        )
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=VIETNAM)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=VIETNAM)
    return start, end


def _recipients(document: IncomingDocument) -> str:
    names = []
    for a in document.assignments.all():
        who = a.unit.name if a.unit else ""
        if a.official:
            who = f"{who} ({a.official})" if who else str(a.official)
        if who and who not in names:
            names.append(who)
    return "; ".join(names)


def _handed_over(document: IncomingDocument) -> str:
    dates = [a.assigned_at for a in document.assignments.all()]
    return _d(min(dates)) if dates else ""


def build_sheet(*, register: Register, kind: str, date_from: dt.date, date_to: dt.date, volume: int = 1) -> RegisterSheet:
    start, end = _bounds(date_from, date_to)
    if (kind == "outgoing") != (register.direction == Direction.OUTGOING):
        raise DomainError("documents.register_kind", _("This print does not belong to this register."))
    sheet = RegisterSheet(kind=kind, register=register, date_from=date_from, date_to=date_to, volume=volume, columns=KINDS[kind])
    if kind == "outgoing":
        outgoing = (
            OutgoingDocument.objects.filter(register=register, issued_at__gte=start, issued_at__lt=end, number__isnull=False)
            .prefetch_related("recipients")
            .order_by("number_year", "number")
        )
        docs = list(outgoing[: MAX_ROWS + 1])
        _check_size(len(docs))
        for o in docs:
            note = _("Recalled: %(reason)s") % {"reason": o.recall_reason} if o.status == OutgoingStatus.RECALLED else ""
            sheet.rows.append(
                [
                    o.written_number,
                    _d(o.issued_date),
                    f"{o.get_document_type_display()}: {o.subject}",
                    o.signer_name,
                    "; ".join(r.name for r in o.recipients.all()),
                    o.archive_holder or (o.drafting_unit.name if o.drafting_unit_id and o.drafting_unit else ""),
                    str(o.issued_amount or ""),
                    _d(o.issued_at),
                    "",
                    note,
                ]
            )
        if docs:
            sheet.first_number, sheet.last_number = docs[0].code_number, docs[-1].code_number
        return sheet
    incoming = (
        IncomingDocument.objects.filter(register=register, arrival_at__gte=start, arrival_at__lt=end, arrival_number__isnull=False)
        .select_related("reply")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit", "official").order_by("assigned_at", "pk"))
        )
        .order_by("arrival_year", "arrival_number")
    )
    docs_in = list(incoming[: MAX_ROWS + 1])
    _check_size(len(docs_in))
    for d in docs_in:
        number = format_number(d.arrival_number or 0)
        note = _("Cancelled: %(reason)s") % {"reason": d.cancel_reason} if d.status == IncomingStatus.CANCELLED else d.description
        if kind == "incoming":
            sheet.rows.append(
                [
                    _d(d.arrival_at),
                    number,
                    d.issuer_name,
                    d.written_number,
                    _d(d.issued_date),
                    f"{d.get_document_type_display()}: {d.subject}",
                    _recipients(d),
                    _handed_over(d),
                    "",
                    note,
                ]
            )
        else:
            progress = d.get_status_display()
            if d.status == IncomingStatus.COMPLETED:
                progress = _("Completed on %(date)s") % {"date": _d(d.completed_at)}
            elif d.progress:
                progress = f"{progress}: {d.progress}"
            sheet.rows.append(
                [
                    number,
                    f"{d.get_document_type_display()} số {d.written_number}, ngày {_d(d.issued_date)}, {d.issuer_name}",
                    _recipients(d),
                    _d(d.due_at),
                    progress,
                    d.reply.written_number if d.reply else "",
                    note,
                ]
            )
    if docs_in:
        sheet.first_number = format_number(docs_in[0].arrival_number or 0)
        sheet.last_number = format_number(docs_in[-1].arrival_number or 0)
    return sheet


def _check_size(count: int) -> None:
    if count > MAX_ROWS:
        raise DomainError(
            "documents.period_too_long",
            _("More than %(max)s documents in this period: print it in several volumes (shorter periods).") % {"max": MAX_ROWS},
        )


def render_pdf(sheet: RegisterSheet) -> bytes:
    from weasyprint import HTML

    html = render_to_string("documents/register_print.html", {"sheet": sheet, "agency": sheet.register.agency})
    return HTML(string=html).write_pdf()


def render_xlsx(sheet: RegisterSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    cover.title = "Bìa"
    agency = sheet.register.agency
    cover_rows = [
        [agency.parent.name.upper() if agency.parent else ""],
        [agency.name.upper()],
        [],
        [sheet.title],
        [f"Năm: {sheet.year}"],
        [f"Từ ngày {_d(sheet.date_from)} đến ngày {_d(sheet.date_to)}"],
        [f"Từ số {sheet.first_number or '…'} đến số {sheet.last_number or '…'}"],
        [f"Quyển số: {sheet.volume:02d}"],
    ]
    for row in cover_rows:
        cover.append(row)
    cover["A4"].font = Font(bold=True, size=14)
    body = workbook.create_sheet("Sổ")
    body.append([f"({i})" for i in range(1, len(sheet.columns) + 1)])
    body.append(sheet.columns)
    for cell in body[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.rows:
        body.append(row)
    body.freeze_panes = "A3"
    for index, width in enumerate([14, 10, 28, 18, 14, 45, 28, 14, 12, 20][: len(sheet.columns)], start=1):
        body.column_dimensions[body.cell(row=1, column=index).column_letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
