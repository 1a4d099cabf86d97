"""Import of the agency tree from Excel (.xlsx), CSV and the national axis agency-list JSON.

The file comes from outside, so it is read as hostile: its size, its encoding, its header and
every row are checked before anything is written, and the rows are then written through the
services (`create_agency`, `update_agency`), which check again (code format, a code used twice
on the same day, cycles, the managing body in force) and write the audit events. **An import
applies whole or not at all**: everything runs in one transaction, and any refused row rolls it
all back. The report lists each refused row with its row number and a message in the user's
language (gettext, English msgids).

Formats (docs/demo.md has examples):

- CSV (UTF-8, with or without BOM; `,` or `;`) and Excel (first sheet), one header row with the
  columns `code, name, short_name, level, kind, parent_code, valid_from, valid_to` — `code`,
  `name`, `level` and `valid_from` are required — and optionally `administrative_unit_code`,
  `code_verified`, `legal_reference`. Dates as dd/mm/yyyy or yyyy-mm-dd (Excel date cells too).
  Row numbers are the spreadsheet's (the header is row 1).
- The axis JSON (`getAgenciesList`, STANDARDS §1.11): a list (or `{"data": [...]}`) of objects
  `{id, code, name, pid}`, `pid` being the parent's `id`, or empty/null/0 for a root. Optional
  keys `short_name`, `level`, `kind`, `valid_from`, `valid_to` (our export writes them). When
  `level`/`kind` are absent they are inferred (`infer_level_and_kind`); when `valid_from` is
  absent the row means "the agency with this code in force today", created from today if none.
  Row numbers are positions in the list, from 1.

An existing agency with the same code and `valid_from` is updated when the row differs and left
alone otherwise, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.core.folding import fold, nfc
from chinhquyen.core.limits import LimitError, ZipLimits, check_zip_bounded
from chinhquyen.organizations import services
from chinhquyen.organizations.models import AGENCY_CODE_RE, Account, Agency, AgencyKind, AgencyLevel

#: Refuse bigger files before reading them (settings may override).
MAX_BYTES: int = getattr(settings, "AGENCY_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
#: An .xlsx is a zip: refuse one that would inflate beyond this (zip bomb).
MAX_XLSX_UNCOMPRESSED: int = 100 * 1024 * 1024
MAX_ROWS: int = 100_000

COLUMNS = ("code", "name", "short_name", "level", "kind", "parent_code", "valid_from", "valid_to")
OPTIONAL_COLUMNS = ("administrative_unit_code", "code_verified", "legal_reference")
REQUIRED_COLUMNS = ("code", "name", "level", "valid_from")
#: The fields a row may change on an existing agency (code and valid_from are its key).
_FIELDS = ("name", "short_name", "level", "kind", "valid_to", "administrative_unit_code", "code_verified", "legal_reference")
#: Refusals that may go away once later rows are saved (a parent closed before its children).
_RETRYABLE = {"agency.children_outlive"}

#: Called as progress(done, total, phase) every few rows; phase is "checking" or "saving".
Progress = Callable[[int, int, str], None]


class ImportRefused(Exception):
    """Raised inside the import transaction to roll it back; carries the report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import refused")
        self.report = report


@dataclass
class RowError:
    row: int | None  # None: the file as a whole
    code: str  # the agency code of the row, when it has one
    message: str
    reason: str = ""  # a stable machine code for file-level refusals (import.encoding, import.header …)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "code": self.code, "message": self.message, "reason": self.reason}


@dataclass
class ImportReport:
    format: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse(self, row: int | None, message: str, code: str = "", *, reason: str = "") -> None:
        self.errors.append(RowError(row, code, message, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "format": self.format,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class Row:
    """One agency read from the file, before it is resolved against the database."""

    number: int
    code: str
    name: str
    short_name: str = ""
    level: str = ""
    kind: str = ""
    parent_code: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    administrative_unit_code: str = ""
    code_verified: bool = True
    legal_reference: str = ""
    dated: bool = True  # False: an axis row without valid_from ("the one in force today")
    present: frozenset[str] = frozenset()  # the columns the file gave; others are left as they are
    # Filled while resolving:
    parent_row: Row | None = None
    parent_agency: Agency | None = None
    existing: Agency | None = None
    agency: Agency | None = None
    ok: bool = True


# --- Reading the file ---------------------------------------------------------------------------


def detect_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    for ext, fmt in ((".xlsx", "xlsx"), (".csv", "csv"), (".json", "json")):
        if name.endswith(ext):
            return fmt
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def _decode(data: bytes, report: ImportReport) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.refuse(None, _("The file is in UTF-16; save it as CSV UTF-8."), reason="import.encoding")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.refuse(
            None,
            _("The file is not in UTF-8 (invalid byte at position %(pos)s); save it as CSV UTF-8.") % {"pos": exc.start},
            reason="import.encoding",
        )
        return None


def _check_header(header: list[str], report: ImportReport) -> list[str] | None:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    unknown = [h for h in names if h and h not in COLUMNS + OPTIONAL_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    duplicated = sorted({h for h in names if h and names.count(h) > 1})
    if unknown or missing or duplicated:
        parts = []
        if missing:
            parts.append(_("missing columns: %(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(cols)s") % {"cols": ", ".join(unknown)})
        if duplicated:
            parts.append(_("repeated columns: %(cols)s") % {"cols": ", ".join(duplicated)})
        report.refuse(
            1,
            _("The header row is not the expected one (%(problems)s). Expected: %(expected)s.")
            % {"problems": "; ".join(parts), "expected": ", ".join(COLUMNS)},
            reason="import.header",
        )
        return None
    return names


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        value = nfc(value.strip())
        # Our CSV export protects cells that a spreadsheet would run as a formula.
        if value[:2] in ("'=", "'+", "'-", "'@"):
            value = value[1:]
        return value
    return value


def _read_csv(data: bytes, report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    text = _decode(data, report)
    if text is None:
        return []
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        report.refuse(None, _("The CSV file is malformed: %(error)s.") % {"error": exc}, reason="import.malformed")
        return []
    return _table_rows(rows, report)


def _read_xlsx(data: bytes, report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    import openpyxl  # imported here: only this format needs it

    try:
        # Every part unzipped and counted (declared and actual size, ratio) before openpyxl opens it.
        check_zip_bounded(data, name="xlsx", limits=ZipLimits.default(max_bytes=MAX_XLSX_UNCOMPRESSED))
    except LimitError as exc:
        if exc.code in ("file.zip_too_large", "file.zip_ratio", "file.zip_too_many_members"):
            report.refuse(None, _("The workbook is too large once uncompressed."), reason="import.too_large")
        else:
            report.refuse(None, _("The file is not a valid Excel .xlsx workbook."), reason="import.malformed")
        return []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        report.refuse(None, _("The file is not a valid Excel .xlsx workbook."), reason="import.malformed")
        return []
    try:
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table_rows(rows, report)


def _table_rows(rows: list[list[Any]], report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    numbered = [(i, r) for i, r in enumerate(rows, start=1) if any(_cell(v) != "" for v in r)]
    if not numbered:
        report.refuse(None, _("The file is empty."), reason="import.empty")
        return []
    header = numbered[0][1]
    names = _check_header([str(_cell(h)) for h in header], report)
    if names is None:
        return []
    body = numbered[1:]
    if not body:
        report.refuse(None, _("The file has a header but no agency rows."), reason="import.empty")
        return []
    out = []
    for number, values in body:
        if len(values) > len(names) and any(_cell(v) != "" for v in values[len(names) :]):
            report.refuse(number, _("This row has more cells than the header."), reason="import.row_shape")
            continue
        out.append((number, {name: _cell(values[i]) if i < len(values) else "" for i, name in enumerate(names) if name}))
    return out


def _read_json(data: bytes, report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    text = _decode(data, report)
    if text is None:
        return []
    if not text.strip():
        report.refuse(None, _("The file is empty."), reason="import.empty")
        return []
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        report.refuse(None, _("The JSON file is malformed: %(error)s.") % {"error": exc}, reason="import.malformed")
        return []
    if isinstance(payload, dict) and isinstance(payload.get("data"), list):
        payload = payload["data"]
    if not isinstance(payload, list):
        report.refuse(None, _("The JSON file must be a list of agencies {id, code, name, pid}."), reason="import.header")
        return []
    if not payload:
        report.refuse(None, _("The file has no agencies."), reason="import.empty")
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    ids: dict[str, int] = {}
    for number, item in enumerate(payload, start=1):
        if not isinstance(item, dict) or not {"id", "code", "name"} <= set(item):
            report.refuse(number, _("Each item needs the keys id, code, name and pid."), reason="import.header")
            continue
        key = str(item["id"]).strip()
        if key in ids:
            report.refuse(
                number, _("The id %(id)s is repeated (first at item %(first)s).") % {"id": key, "first": ids[key]}, reason="import.id"
            )
            continue
        ids[key] = number
        out.append((number, {str(k): _cell(v) for k, v in item.items()}))
    # Translate pid (a parent's id) into a parent code.
    code_by_id = {str(values["id"]).strip(): str(values["code"]).strip().upper() for _n, values in out}
    for _number, values in out:
        pid = values.get("pid")
        if pid in (None, "", 0, "0"):
            values["parent_code"] = ""
        elif str(pid).strip() in code_by_id:
            values["parent_code"] = code_by_id[str(pid).strip()]
        else:
            values["parent_code"] = ""
            values["_unknown_pid"] = str(pid)
    return out


# --- Checking rows ------------------------------------------------------------------------------


def parse_date(value: Any) -> dt.date | None:
    """dd/mm/yyyy (Vietnamese), yyyy-mm-dd (ISO) or a spreadsheet date; '' → None; else ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


_LEVEL_WORDS = {
    "central": AgencyLevel.CENTRAL,
    "trung uong": AgencyLevel.CENTRAL,
    "province": AgencyLevel.PROVINCE,
    "tinh": AgencyLevel.PROVINCE,
    "district": AgencyLevel.DISTRICT,
    "huyen": AgencyLevel.DISTRICT,
    "commune": AgencyLevel.COMMUNE,
    "xa": AgencyLevel.COMMUNE,
}


def infer_level_and_kind(code: str, name: str) -> tuple[str, str]:
    """A guess for axis rows that carry no level or kind, from the name first, then the code.

    By name (folded, so "Ủy ban nhân dân" = "uy ban nhan dan"): "… huyện/thị xã/quận/thành phố
    thuộc tỉnh" → district People's Committee; "… xã/phường/thị trấn/đặc khu" → commune People's
    Committee; "Văn phòng Ủy ban nhân dân" → the Committee's office; "Trung tâm Phục vụ hành chính
    công" → service centre; "Sở …", "Thanh tra …", "Ban Dân tộc" → department; "Tỉnh ủy",
    "Đảng ủy" or a level-1 letter A → party body. By code (QCVN 102 layout, STANDARDS §13.5.4):
    `000.00.00.Hxx` is a province (People's Committee), other level-1 letters central; a level-2
    code under H is provincial, a level-3 code a commune. Anything else: `other`.
    """
    folded = fold(name)
    letter = code[-3:-2] if AGENCY_CODE_RE.match(code) else ""
    groups = code.split(".")
    committee = folded.startswith(("uy ban nhan dan", "ubnd"))
    if committee and any(f" {w} " in f" {folded} " for w in ("huyen", "quan", "thi xa")):
        return AgencyLevel.DISTRICT, AgencyKind.PEOPLES_COMMITTEE
    if committee and any(f" {w} " in f" {folded} " for w in ("xa", "phuong", "thi tran", "dac khu")):
        return AgencyLevel.COMMUNE, AgencyKind.PEOPLES_COMMITTEE
    if folded.startswith("van phong uy ban nhan dan") or folded.startswith("van phong ubnd"):
        kind = AgencyKind.COMMITTEE_OFFICE
    elif folded.startswith("trung tam phuc vu hanh chinh cong"):
        kind = AgencyKind.SERVICE_CENTER
    elif folded.startswith(("so ", "thanh tra ", "ban dan toc")):
        kind = AgencyKind.DEPARTMENT
    elif "tinh uy" in folded or "dang uy" in folded or letter == "A":
        kind = AgencyKind.PARTY_BODY
    elif committee:
        kind = AgencyKind.PEOPLES_COMMITTEE
    else:
        kind = AgencyKind.OTHER
    if len(groups) == 4 and groups[1] == "00" and groups[2] == "00":
        level = AgencyLevel.PROVINCE if letter == "H" else AgencyLevel.CENTRAL
    elif len(groups) == 4 and letter == "H" and groups[1] != "00":
        level = AgencyLevel.COMMUNE
    elif letter == "H":
        level = AgencyLevel.PROVINCE if not committee or "tinh" in folded else AgencyLevel.DISTRICT
    else:
        level = AgencyLevel.CENTRAL
    return level, kind


def _choice(value: Any, choices: Iterable[str], words: Mapping[str, str] | None = None) -> str | None:
    text = str(value).strip()
    if text in choices:
        return text
    folded = fold(text).replace("-", " ").strip()
    if folded in choices:
        return folded
    if words and folded in words:
        return words[folded]
    return None


_KIND_WORDS = {
    "ubnd": AgencyKind.PEOPLES_COMMITTEE,
    "uy ban nhan dan": AgencyKind.PEOPLES_COMMITTEE,
    "van phong": AgencyKind.COMMITTEE_OFFICE,
    "so": AgencyKind.DEPARTMENT,
    "trung tam phuc vu hanh chinh cong": AgencyKind.SERVICE_CENTER,
    "co quan dang": AgencyKind.PARTY_BODY,
    "khac": AgencyKind.OTHER,
}


def _to_row(number: int, values: dict[str, Any], fmt: str, today: dt.date, report: ImportReport) -> Row | None:
    code = str(values.get("code", "")).strip().upper()
    name = str(values.get("name", "")).strip()
    problems: list[tuple[str, str]] = []
    if not AGENCY_CODE_RE.match(code):
        problems.append(
            (_("“%(code)s” is not an electronic identifier code of the form 000.00.00.H28.") % {"code": code}, "agency.code_invalid")
        )
    if not name:
        problems.append((_("The agency name is required."), "agency.name_required"))
    if values.get("_unknown_pid"):
        problems.append((_("The parent id %(pid)s is not in the file.") % {"pid": values["_unknown_pid"]}, "import.parent_unknown"))
    level_raw, kind_raw = values.get("level", ""), values.get("kind", "")
    guessed_level, guessed_kind = infer_level_and_kind(code, name) if fmt == "json" else ("", AgencyKind.OTHER)
    level = _choice(level_raw, AgencyLevel.values, _LEVEL_WORDS) if level_raw != "" else guessed_level or None
    if level is None:
        problems.append(
            (_("Unknown level “%(level)s” (central, province, district or commune).") % {"level": level_raw}, "agency.level_invalid")
        )
    kind = _choice(kind_raw, AgencyKind.values, _KIND_WORDS) if kind_raw != "" else guessed_kind
    if kind is None:
        problems.append((_("Unknown agency kind “%(kind)s”.") % {"kind": kind_raw}, "agency.kind_invalid"))
    dates: dict[str, dt.date | None] = {}
    for column in ("valid_from", "valid_to"):
        try:
            dates[column] = parse_date(values.get(column, ""))
        except ValueError:
            problems.append(
                (
                    _("“%(value)s” in %(column)s is not a date (dd/mm/yyyy or yyyy-mm-dd).")
                    % {"value": values.get(column), "column": column},
                    "import.date_invalid",
                )
            )
            dates[column] = None
    dated = dates["valid_from"] is not None
    if fmt != "json" and values.get("valid_from", "") == "":
        problems.append((_("The start date (valid_from) is required."), "import.date_required"))
    valid_from = dates["valid_from"] or today
    valid_to = dates["valid_to"]
    if valid_to is not None and valid_to < valid_from:
        problems.append(
            (
                _("The end date %(to)s is before the start date %(from)s.")
                % {"to": valid_to.strftime("%d/%m/%Y"), "from": valid_from.strftime("%d/%m/%Y")},
                "validity.order",
            )
        )
    verified_raw = fold(str(values.get("code_verified", ""))).strip()
    if verified_raw not in ("", "1", "0", "true", "false", "co", "khong", "yes", "no"):
        problems.append((_("code_verified must be 1 or 0."), "import.code_verified_invalid"))
    for problem, reason in problems:
        report.refuse(number, problem, code, reason=reason)
    if problems:
        return None
    return Row(
        number=number,
        code=code,
        name=name,
        short_name=str(values.get("short_name", "") or "")[:30],
        level=level or "",
        kind=kind or AgencyKind.OTHER,
        parent_code=str(values.get("parent_code", "") or "").strip().upper(),
        valid_from=valid_from,
        valid_to=valid_to,
        administrative_unit_code=str(values.get("administrative_unit_code", "") or "")[:10],
        code_verified=verified_raw not in ("0", "false", "khong", "no"),
        legal_reference=str(values.get("legal_reference", "") or "")[:255],
        dated=dated,
        present=frozenset(k for k, v in values.items() if k in _FIELDS and (v != "" or k in ("short_name", "valid_to"))),
    )


def _overlaps(a: Row, b_from: dt.date, b_to: dt.date | None) -> bool:
    assert a.valid_from is not None
    return (b_to is None or a.valid_from <= b_to) and (a.valid_to is None or b_from <= a.valid_to)


def _resolve(rows: list[Row], today: dt.date, report: ImportReport) -> list[Row]:
    """Match rows to existing agencies, find parents, refuse duplicates, overlaps and cycles.
    Returns the accepted rows with parents before children."""
    codes = {r.code for r in rows} | {r.parent_code for r in rows if r.parent_code}
    in_db: dict[str, list[Agency]] = {}
    for agency in Agency.objects.filter(code__in=codes).order_by("valid_from"):
        in_db.setdefault(agency.code, []).append(agency)
    # Which existing agency each row stands for.
    claimed: dict[int, Row] = {}
    for row in rows:
        candidates = in_db.get(row.code, [])
        if row.dated:
            row.existing = next((a for a in candidates if a.valid_from == row.valid_from), None)
        else:
            row.existing = next((a for a in candidates if a.is_valid_on(today)), None)
            if row.existing is not None:
                row.valid_from, row.valid_to = row.existing.valid_from, row.existing.valid_to
        if row.existing is not None:
            if row.existing.pk in claimed:
                report.refuse(
                    row.number,
                    _("This row describes the same agency as row %(other)s (code %(code)s from %(date)s).")
                    % {"other": claimed[row.existing.pk].number, "code": row.code, "date": row.existing.valid_from.strftime("%d/%m/%Y")},
                    row.code,
                    reason="import.duplicate_row",
                )
                row.ok = False
                continue
            claimed[row.existing.pk] = row
    # A code belongs to one agency on any day (QĐ 20/2020): within the file, and against the
    # agencies of the database that the file does not touch.
    by_code: dict[str, list[Row]] = {}
    for row in rows:
        if not row.ok:
            continue
        for other in by_code.get(row.code, []):
            assert other.valid_from is not None
            if _overlaps(row, other.valid_from, other.valid_to):
                report.refuse(
                    row.number,
                    _("The code %(code)s is already used by row %(other)s on overlapping dates.")
                    % {"code": row.code, "other": other.number},
                    row.code,
                    reason="agency.code_taken",
                )
                row.ok = False
                break
        if not row.ok:
            continue
        for agency in in_db.get(row.code, []):
            if agency.pk in claimed or (row.existing and agency.pk == row.existing.pk):
                continue
            if _overlaps(row, agency.valid_from, agency.valid_to):
                report.refuse(
                    row.number,
                    _("The code %(code)s is already used by “%(name)s” on overlapping dates.") % {"code": row.code, "name": agency.name},
                    row.code,
                    reason="agency.code_taken",
                )
                row.ok = False
                break
        if row.ok:
            by_code.setdefault(row.code, []).append(row)
    # Parents: a row of the file in force on the child's first day, else such an agency of the database.
    for row in rows:
        if not row.ok or not row.parent_code:
            continue
        assert row.valid_from is not None
        day = row.valid_from
        row.parent_row = next((p for p in by_code.get(row.parent_code, []) if _overlaps(p, day, day)), None)
        if row.parent_row is None:
            row.parent_agency = next(
                (a for a in in_db.get(row.parent_code, []) if a.pk not in claimed and a.is_valid_on(day)),
                None,
            )
        if row.parent_row is None and row.parent_agency is None:
            report.refuse(
                row.number,
                _("The managing body %(parent)s is neither in the file nor among the agencies in force on %(date)s.")
                % {"parent": row.parent_code, "date": day.strftime("%d/%m/%Y")},
                row.code,
                reason="import.parent_unknown",
            )
            row.ok = False
    # Order parents first (Kahn); what cannot be ordered is a cycle.
    accepted = [r for r in rows if r.ok]
    pending = {id(r): r for r in accepted}
    ordered: list[Row] = []
    progress = True
    while pending and progress:
        progress = False
        for row in list(pending.values()):
            parent = row.parent_row
            if parent is None or id(parent) not in pending:
                ordered.append(row)
                del pending[id(row)]
                progress = True
    for row in sorted(pending.values(), key=lambda r: r.number):
        report.refuse(
            row.number,
            _("The managing bodies in the file form a cycle (%(code)s is, through its parents, under itself).") % {"code": row.code},
            row.code,
            reason="agency.cycle",
        )
        row.ok = False
    # A child of a refused row cannot be saved either.
    for row in ordered:
        if row.parent_row is not None and not row.parent_row.ok and row.ok:
            report.refuse(
                row.number,
                _("Its managing body (row %(other)s) was refused.") % {"other": row.parent_row.number},
                row.code,
                reason="import.parent_refused",
            )
            row.ok = False
    return [r for r in ordered if r.ok]


# --- Saving -------------------------------------------------------------------------------------


def _save(row: Row, actor: Account | None, report: ImportReport) -> None:
    parent = row.parent_row.agency if row.parent_row is not None else row.parent_agency
    assert row.valid_from is not None
    if row.existing is None:
        row.agency = services.create_agency(
            code=row.code,
            name=row.name,
            short_name=row.short_name,
            level=row.level,
            kind=row.kind,
            parent=parent,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            administrative_unit_code=row.administrative_unit_code,
            code_verified=row.code_verified,
            legal_reference=row.legal_reference,
            actor=actor,
        )
        report.created += 1
        return
    current = row.existing
    wanted = {f: getattr(row, f) for f in _FIELDS if f in row.present}
    wanted["name"] = nfc(row.name)
    changes = {f: v for f, v in wanted.items() if getattr(current, f) != v}
    if (parent.pk if parent else None) != current.parent_id:
        changes["parent"] = parent
    if not changes:
        row.agency = current
        report.unchanged += 1
        return
    row.agency = services.update_agency(agency=current, actor=actor, **changes)
    report.updated += 1


def import_agencies(
    data: bytes,
    *,
    filename: str = "",
    actor: Account | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Check `data` and, if every row is acceptable, save it all in one transaction.

    Never raises for bad input: the returned report says what was refused (then nothing was
    saved) or what was created, updated and left unchanged. `dry_run` checks everything,
    including what the services would refuse, and saves nothing.
    """
    day = today or timezone.localdate()
    fmt = detect_format(filename, data)
    report = ImportReport(format=fmt, dry_run=dry_run)
    if len(data) > MAX_BYTES:
        report.refuse(
            None,
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(len(data) / 1048576, 1), "limit": MAX_BYTES // 1048576},
            reason="import.too_large",
        )
        return report
    if not data.strip():
        report.refuse(None, _("The file is empty."), reason="import.empty")
        return report
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}[fmt]
    raw = reader(data, report)
    if len(raw) > MAX_ROWS:
        report.refuse(None, _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, reason="import.too_large")
        return report
    report.total = len(raw) + len([e for e in report.errors if e.row is not None])
    every = max(1, len(raw) // 100)
    rows: list[Row] = []
    for i, (number, values) in enumerate(raw, start=1):
        row = _to_row(number, values, fmt, day, report)
        if row is not None:
            rows.append(row)
        if progress and (i % every == 0 or i == len(raw)):
            progress(i, len(raw), "checking")
    if report.errors:
        report.errors.sort(key=lambda e: e.row or 0)
        return report
    ordered = _resolve(rows, day, report)
    if report.errors:
        report.errors.sort(key=lambda e: e.row or 0)
        return report
    try:
        with transaction.atomic():
            retry: list[Row] = []
            for i, row in enumerate(ordered, start=1):
                try:
                    _save(row, actor, report)
                except DomainError as exc:
                    if exc.code in _RETRYABLE:
                        retry.append(row)
                    else:
                        report.refuse(row.number, exc.message, row.code, reason=exc.code)
                if progress and (i % every == 0 or i == len(ordered)):
                    progress(i, len(ordered), "saving")
            for row in retry:
                try:
                    _save(row, actor, report)
                except DomainError as exc:
                    report.refuse(row.number, exc.message, row.code, reason=exc.code)
            if report.errors or dry_run:
                raise ImportRefused(report)
    except ImportRefused:
        if not report.errors:  # a dry run that would have succeeded
            return report
        report.created = report.updated = report.unchanged = 0
        report.errors.sort(key=lambda e: e.row or 0)
    return report
