"""Export of the agency tree in the shapes `importers` reads: Excel (.xlsx), CSV, axis JSON.

As of a day (the agencies in force that day) or the whole history (`as_of=None`). Parents come
before their children, so the file imports back in one pass (round trip).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

from chinhquyen.organizations.importers import COLUMNS, OPTIONAL_COLUMNS
from chinhquyen.organizations.models import Agency

FORMATS = ("xlsx", "csv", "json")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def agencies_for_export(*, as_of: dt.date | None) -> list[Agency]:
    """The agencies to export, each after its managing body (then by code and start date)."""
    queryset = Agency.objects.valid_on(as_of) if as_of else Agency.objects.all()
    agencies = list(queryset.select_related("parent").order_by("code", "valid_from"))
    included = {a.pk for a in agencies}
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in included else None
        children.setdefault(parent, []).append(agency)
    ordered: list[Agency] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        agency = stack.pop()
        ordered.append(agency)
        stack.extend(reversed(children.get(agency.pk, [])))
    return ordered


def _row(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "level": agency.level,
        "kind": agency.kind,
        "parent_code": agency.parent.code if agency.parent else "",
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
        "administrative_unit_code": agency.administrative_unit_code,
        "code_verified": 1 if agency.code_verified else 0,
        "legal_reference": agency.legal_reference,
    }


def _safe_cell(value: Any) -> Any:
    """A text cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def export_csv(agencies: list[Agency], progress: Callable[[int, int], None] | None = None) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Vietnamese letters), ISO dates."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    header = list(COLUMNS + OPTIONAL_COLUMNS)
    writer.writerow(header)
    for i, agency in enumerate(agencies, start=1):
        row = _row(agency)
        writer.writerow(
            [_safe_cell(row[c].isoformat() if isinstance(row[c], dt.date) else row[c] if row[c] is not None else "") for c in header]
        )
        if progress:
            progress(i, len(agencies))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(agencies: list[Agency], progress: Callable[[int, int], None] | None = None) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("agencies")
    header = list(COLUMNS + OPTIONAL_COLUMNS)
    sheet.append(header)
    for i, agency in enumerate(agencies, start=1):
        row = _row(agency)
        cells: list[Any] = []
        for column in header:
            value = row[column]
            if isinstance(value, dt.date):
                cell = openpyxl.cell.WriteOnlyCell(sheet, value=dt.datetime.combine(value, dt.time()))
                cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            else:
                cells.append(_safe_cell(value) if value is not None else None)
        sheet.append(cells)
        if progress:
            progress(i, len(agencies))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_json(agencies: list[Agency], progress: Callable[[int, int], None] | None = None) -> bytes:
    """The axis agency-list shape {id, code, name, pid} (pid null for a root), plus our own keys
    (short_name, level, kind, valid_from, valid_to, administrative_unit_code, code_verified,
    legal_reference) that the axis ignores and our import reads."""
    included = {a.pk for a in agencies}
    items = []
    for i, agency in enumerate(agencies, start=1):
        items.append(
            {
                "id": agency.pk,
                "code": agency.code,
                "name": agency.name,
                "pid": agency.parent_id if agency.parent_id in included else None,
                "short_name": agency.short_name,
                "level": agency.level,
                "kind": agency.kind,
                "valid_from": agency.valid_from.isoformat(),
                "valid_to": agency.valid_to.isoformat() if agency.valid_to else None,
                "administrative_unit_code": agency.administrative_unit_code,
                "code_verified": agency.code_verified,
                "legal_reference": agency.legal_reference,
            }
        )
        if progress:
            progress(i, len(agencies))
    return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")


def export_agencies(fmt: str, *, as_of: dt.date | None, progress: Callable[[int, int], None] | None = None) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    agencies = agencies_for_export(as_of=as_of)
    writer = {"csv": export_csv, "xlsx": export_xlsx, "json": export_json}[fmt]
    return writer(agencies, progress)
