"""Exports: the yearly report (Excel with openpyxl, PDF with WeasyPrint, Vietnamese, A4) and the
open data (CSV and JSON with the stable schema of docs/open-data.md).

The headings of the report are written in Vietnamese here (the report is the province's, in its
language, like the one-stop statistics export); the indicators' titles and definitions come
through gettext.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override
from django.views.decorators.http import require_GET

from chinhquyen.core.errors import DomainError
from chinhquyen.organizations.models import Agency
from chinhquyen.reports import access, indicators, selectors
from chinhquyen.reports.indicators import Period, Value

#: The open-data schema (docs/open-data.md). Change only by adding columns; a removal or a change
#: of meaning makes version 2.
SCHEMA = "chinhquyen.reports.open-data/1"
COLUMNS = [
    "period_start",
    "period_end",
    "scope",
    "agency_code",
    "agency_name",
    "indicator_code",
    "unit",
    "numerator",
    "denominator",
    "ratio",
]

REPORT_HEADINGS = ["Mã chỉ số", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ (%) / điểm", "Định nghĩa", "Căn cứ pháp lý"]
AGENCY_HEADINGS = ["Mã định danh", "Cơ quan"]


def _number(value: Any) -> Any:
    return None if value is None else value


def _headline(indicator: indicators.Indicator, value: Value) -> Any:
    return value.points if indicator.unit == "points" else (value.ratio if indicator.unit == "%" else value.numerator)


# --- open data -----------------------------------------------------------------------------------------
@indicators.shared_reads()
def open_data(period: Period) -> dict[str, Any]:
    """The published indicators for the province and for each agency, as the documented schema."""
    published = [i for i in indicators.REGISTRY.values() if i.published]
    rows: list[dict[str, Any]] = []

    def add(scope: str, agency: Agency | None, indicator: indicators.Indicator, value: Value) -> None:
        rows.append(
            {
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "scope": scope,
                "agency_code": agency.code if agency else "",
                "agency_name": agency.name if agency else "",
                "indicator_code": indicator.code,
                "unit": indicator.unit,
                "numerator": _number(value.numerator),
                "denominator": _number(value.denominator),
                "ratio": _number(value.ratio),
            }
        )

    for figure in selectors.figures(None, period, published_only=True).data:
        add("province", None, figure.indicator, figure.value)
    table = selectors.province_table(period, [i.code for i in published]).data
    for row in table:
        for indicator in published:
            if indicator.code in row.values:
                add("agency", row.agency, indicator, row.values[indicator.code])
    with override("vi"):
        described = [
            {
                "code": i.code,
                "title": str(i.title),
                "definition": str(i.definition),
                "numerator": str(i.numerator_label),
                "denominator": str(i.denominator_label),
                "unit": i.unit,
                "legal_reference": i.legal_reference,
            }
            for i in published
        ]
    return {
        "schema": SCHEMA,
        "publisher": settings.SITE_NAME,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "indicators": described,
        "rows": rows,
    }


def open_data_csv(period: Period) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in open_data(period)["rows"]:
        writer.writerow({k: "" if row[k] is None else row[k] for k in COLUMNS})
    return out.getvalue()


def open_data_json_view(request: HttpRequest) -> HttpResponse:
    from chinhquyen.reports.views import _period

    period, _year, _month = _period(request)
    body = json.dumps(open_data(period), ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def open_data_csv_view(request: HttpRequest) -> HttpResponse:
    from chinhquyen.reports.views import _period

    period, _year, _month = _period(request)
    response = HttpResponse("\ufeff" + open_data_csv(period), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chi-so-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"'
    return response


# --- the yearly report ---------------------------------------------------------------------------------
@indicators.shared_reads()
def yearly_report(year: int) -> dict[str, Any]:
    period = Period.year(year)
    figures = selectors.figures(None, period).data
    codes = [f.indicator.code for f in figures if not f.indicator.estimate]
    table = selectors.province_table(period, codes).data
    return {"year": year, "period": period, "figures": figures, "codes": codes, "table": table, "site_name": settings.SITE_NAME}


def yearly_excel(year: int) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    report = yearly_report(year)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Chỉ số toàn tỉnh"
    sheet.append([f"BÁO CÁO CHỈ SỐ CHÍNH QUYỀN ĐIỆN TỬ NĂM {year}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report["site_name"]])
    sheet.append([])
    sheet.append(REPORT_HEADINGS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for figure in report["figures"]:
        indicator, value = figure.indicator, figure.value
        title = str(indicator.title) + (" (ước tính)" if indicator.estimate else "")
        sheet.append(
            [
                indicator.code,
                title,
                value.numerator if indicator.unit != "points" else value.points,
                value.denominator if indicator.unit != "points" else value.max_points,
                _headline(indicator, value),
                str(indicator.definition) + (f" {value.note}" if value.note else ""),
                indicator.legal_reference,
            ]
        )
    for column, width in zip("ABCDEFG", (22, 50, 10, 10, 16, 90, 50), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=5):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
    by_agency = workbook.create_sheet("Theo cơ quan")
    by_agency.append(AGENCY_HEADINGS + [indicators.get(code).code for code in report["codes"]])
    for row in report["table"]:
        by_agency.append(
            [row.agency.code, row.agency.name]
            + [_headline(indicators.get(code), row.values[code]) if code in row.values else None for code in report["codes"]]
        )
    by_agency.column_dimensions["B"].width = 50
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def yearly_pdf(year: int) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/yearly_pdf.html", yearly_report(year))
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def _year(request: HttpRequest) -> int:
    from chinhquyen.reports.views import _period

    return _period(request)[1]


@require_GET
def yearly_excel_view(request: HttpRequest) -> HttpResponse:
    try:
        access.require_province(request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status)
    year = _year(request)
    response = HttpResponse(yearly_excel(year), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-chi-so-{year}.xlsx"'
    return response


@require_GET
def yearly_pdf_view(request: HttpRequest) -> HttpResponse:
    try:
        access.require_province(request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status)
    year = _year(request)
    response = HttpResponse(yearly_pdf(year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bao-cao-chi-so-{year}.pdf"'
    return response
