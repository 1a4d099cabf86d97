"""Import of the catalogue from the national package JSON (STANDARDS §5) and from Excel.

The file comes from outside: its size and every record are checked before anything is written,
and then every procedure is written through `services.save_procedure` **in one transaction**:
one refused record and nothing is saved (all or nothing). The report lists each refused record
with its line (the position in the JSON list, from 1, or the sheet and row of the workbook).

National package (gói tin thủ tục quốc gia), as a list or `{"data": [...]}`, one object per
procedure with the keys of §5: `MATTHC` (also `MATHUTUC`, `MA`), `TENTTHC` (also `TENTHUTUC`,
`TEN`), `CAPTHUCHIEN[].TENCAP`, `LOAITTHC`, `LINHVUCTHUCHIEN[] {MALINHVUC, TENLINHVUC}`,
`TRINHTUTHUCHIEN[] {TRUONGHOP, TRINHTU[].TENTRINHTU}`, `CACHTHUCTHUCHIEN[] {KENH, THOIGIAN[]
{THOIGIANGIAIQUYET, DONVITINH, MOTA, PHILEPHI[] {MOTA, SOTIEN, DONVI}}}`,
`THANHPHANHOSO[] {TRUONGHOP, GIAYTO[] {TENGIAYTO, TENMAUDON, URL, SOBANCHINH, SOBANSAO}}`,
`DOITUONGTHUCHIEN[].TENDOITUONG`, `COQUANTHUCHIEN[]`, `COQUANCOTHAMQUYEN[]`,
`COQUANDUOCUYQUYEN[]`, `COQUANPHOIHOP[]` (each `.TENDONVI`; a `MADONVI` that is the
electronic identifier code of an agency of ours makes an instance there), `DIACHITIEPNHAN`,
`KETQUATHUCHIEN[].TENKETQUA`, `CANCUPHAPLY[] {SOVANBAN, TENVANBAN}`, `YEUCAU`, `TUKHOA`, `MOTA`,
`SOQUYETDINH`, `NGAYQUYETDINH`. Optional keys of ours: `MUCDODVC` (toàn trình / một phần).
A processing time whose description says "sau 15 giờ" gets a 15:00 cutoff (STANDARDS §3.5).

Excel workbook: sheet `procedures` (one row per procedure: `code, name, field_code, field,
levels, type, online_mode, supplement_rule, counter_time, online_time, post_time, time_unit,
cutoff, fee, fee_description, result, agencies, decision_number, decision_date, valid_from,
legal_basis`), sheet `components` (`procedure_code, name, form, originals, copies, required`)
and optionally sheet `steps` (`procedure_code, name, handler, role, allotment, unit`). Row 1
is the header.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.core.folding import fold, nfc
from chinhquyen.core.limits import LimitError, ZipLimits, check_zip_bounded
from chinhquyen.organizations.models import Account
from chinhquyen.procedures.models import CHANNEL_BY_KENH, Channel, OnlineMode, ProcedureLevel, ProcedureType, SupplementRule, TimeUnit
from chinhquyen.procedures.services import ComponentSpec, FeeSpec, ProcedureSpec, StepSpec, TimeSpec, check_spec, save_procedure

MAX_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RECORDS = 20_000

Progress = Callable[[int, int, str], None]


@dataclass
class RowError:
    row: str | None  # "12" (JSON position) or "procedures:5" (sheet:row); None: the whole file
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "code": self.code, "message": self.message}


@dataclass
class ImportReport:
    format: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse(self, row: str | int | None, message: str, code: str = "") -> None:
        self.errors.append(RowError(None if row is None else str(row), code, message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "format": self.format,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }


class _Rollback(Exception):
    pass


# --- values ---------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def _int(value: Any, default: int = 0) -> int:
    text = _text(value)
    if not text:
        return default
    # "50.000" and "50,000" are fifty thousand đồng (Vietnamese thousands separator).
    cleaned = re.sub(r"[.,\s]", "", text) if re.fullmatch(r"\d{1,3}(?:[.,\s]\d{3})+", text) else text
    try:
        return int(Decimal(cleaned))
    except InvalidOperation:
        raise ValueError(text) from None


def _decimal(value: Any) -> Decimal:
    text = _text(value).replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)[:10]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _level(text: str) -> str | None:
    folded = fold(text)
    for word, level in (
        ("tinh", ProcedureLevel.PROVINCE),
        ("xa", ProcedureLevel.COMMUNE),
        ("phuong", ProcedureLevel.COMMUNE),
        ("huyen", ProcedureLevel.DISTRICT),
        ("trung uong", ProcedureLevel.CENTRAL),
        ("bo", ProcedureLevel.CENTRAL),
        ("province", ProcedureLevel.PROVINCE),
        ("commune", ProcedureLevel.COMMUNE),
        ("district", ProcedureLevel.DISTRICT),
        ("central", ProcedureLevel.CENTRAL),
    ):
        if word in folded.split() or folded == word:
            return level
    return None


def _unit(text: str) -> str:
    folded = fold(text)
    return TimeUnit.WORKING_HOUR if ("gio" in folded.split() or folded in ("hour", "hours", "h")) else TimeUnit.WORKING_DAY


_CUTOFF_RE = re.compile(r"sau\s+(\d{1,2})\s*(?:gio|h|:)\s*(\d{2})?")


def _cutoff(text: str) -> dt.time | None:
    """ "… nếu tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo" → 15:00."""
    match = _CUTOFF_RE.search(fold(text))
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def _online_mode(text: str) -> str:
    folded = fold(text)
    if "toan trinh" in folded or folded == "full":
        return OnlineMode.FULL
    if "mot phan" in folded or folded == "partial":
        return OnlineMode.PARTIAL
    return OnlineMode.NONE


def _names(items: Any, key: str) -> list[str]:
    if not isinstance(items, list):
        return []
    return [_text(item.get(key)) for item in items if isinstance(item, dict) and _text(item.get(key))]


# --- the national package --------------------------------------------------------------------
def _from_package(record: dict[str, Any]) -> ProcedureSpec:
    code = _text(record.get("MATTHC") or record.get("MATHUTUC") or record.get("MA"))
    name = _text(record.get("TENTTHC") or record.get("TENTHUTUC") or record.get("TEN"))
    fields = record.get("LINHVUCTHUCHIEN") or []
    field_name = _names(fields, "TENLINHVUC")[0] if _names(fields, "TENLINHVUC") else ""
    field_code = _names(fields, "MALINHVUC")[0] if _names(fields, "MALINHVUC") else ""
    levels = []
    for level_name in _names(record.get("CAPTHUCHIEN"), "TENCAP"):
        level = _level(level_name)
        if level is None:
            raise DomainError("procedure.level_invalid", _("Unknown level “%(level)s”.") % {"level": level_name})
        levels.append(level)
    times: list[TimeSpec] = []
    fees: list[FeeSpec] = []
    has_online = False
    for way in record.get("CACHTHUCTHUCHIEN") or []:
        try:
            kenh = int(way.get("KENH"))
        except (TypeError, ValueError):
            raise DomainError("procedure.channel_invalid", _("Unknown channel “%(v)s”.") % {"v": way.get("KENH")})
        if kenh not in CHANNEL_BY_KENH:
            raise DomainError("procedure.channel_invalid", _("Unknown channel “%(v)s”.") % {"v": kenh})
        channel = CHANNEL_BY_KENH[kenh]
        has_online = has_online or channel == Channel.ONLINE
        for i, time in enumerate(way.get("THOIGIAN") or []):
            description = _text(time.get("MOTA"))
            if i == 0:
                try:
                    amount = _decimal(time.get("THOIGIANGIAIQUYET"))
                except ValueError as exc:
                    raise DomainError(
                        "procedure.time_invalid", _("The processing time “%(v)s” is not a number.") % {"v": exc.args[0]}
                    ) from None
                times.append(TimeSpec(channel, amount, _unit(_text(time.get("DONVITINH"))), _cutoff(description), description))
            for fee in time.get("PHILEPHI") or []:
                try:
                    amount_vnd = _int(fee.get("SOTIEN"))
                except ValueError as exc:
                    raise DomainError("procedure.fee_invalid", _("The fee “%(v)s” is not an amount.") % {"v": exc.args[0]}) from None
                fees.append(FeeSpec(_text(fee.get("MOTA")) or _("Fee"), amount_vnd, channel))
    components: list[ComponentSpec] = []
    for group in record.get("THANHPHANHOSO") or []:
        case = _text(group.get("TRUONGHOP"))
        for paper in group.get("GIAYTO") or []:
            try:
                originals, copies = _int(paper.get("SOBANCHINH"), 1), _int(paper.get("SOBANSAO"), 0)
            except ValueError as exc:
                raise DomainError("procedure.component_invalid", _("“%(v)s” is not a number of copies.") % {"v": exc.args[0]}) from None
            components.append(
                ComponentSpec(
                    name=_text(paper.get("TENGIAYTO")),
                    originals=originals,
                    copies=copies,
                    form_name=_text(paper.get("TENMAUDON")),
                    form_url=_text(paper.get("URL")),
                    case=case,
                )
            )
    sequence = []
    for case in record.get("TRINHTUTHUCHIEN") or []:
        sequence.extend(_names(case.get("TRINHTU"), "TENTRINHTU"))
    agencies = record.get("COQUANTHUCHIEN") or []
    instances = [c for c in _names(agencies, "MADONVI") if re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}", c)]
    mode = _online_mode(_text(record.get("MUCDODVC")))
    if mode == OnlineMode.NONE and has_online:
        mode = OnlineMode.PARTIAL
    type_text = _text(record.get("LOAITTHC")) or ProcedureType.NOT_DELEGATED
    return ProcedureSpec(
        code=code,
        name=name,
        field_code=field_code,
        field_name=field_name,
        levels=levels,
        procedure_type=type_text,
        online_mode=mode,
        times=times,
        fees=fees,
        components=components,
        instances=instances,
        applicants="; ".join(_names(record.get("DOITUONGTHUCHIEN"), "TENDOITUONG")),
        competent_authority="; ".join(_names(record.get("COQUANCOTHAMQUYEN"), "TENDONVI")),
        implementing_agency="; ".join(_names(agencies, "TENDONVI")),
        delegated_agency="; ".join(_names(record.get("COQUANDUOCUYQUYEN"), "TENDONVI")),
        coordinating_agencies="; ".join(_names(record.get("COQUANPHOIHOP"), "TENDONVI")),
        reception_address=_text(record.get("DIACHITIEPNHAN")),
        result="; ".join(_names(record.get("KETQUATHUCHIEN"), "TENKETQUA")),
        legal_basis=[
            {"number": _text(item.get("SOVANBAN")), "title": _text(item.get("TENVANBAN"))}
            for item in record.get("CANCUPHAPLY") or []
            if isinstance(item, dict)
        ],
        conditions=_text(record.get("YEUCAU")),
        sequence="\n".join(sequence),
        keywords=_text(record.get("TUKHOA")),
        description=_text(record.get("MOTA")),
        decision_number=_text(record.get("SOQUYETDINH")),
        decision_date=parse_date(record.get("NGAYQUYETDINH")),
    )


def _read_package(data: bytes, report: ImportReport) -> list[tuple[str, ProcedureSpec]]:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # RecursionError: nested past Python's stack
        report.refuse(
            None, _("The file is not UTF-8 JSON: %(error)s") % {"error": type(exc).__name__ if isinstance(exc, RecursionError) else exc}
        )
        return []
    if isinstance(payload, dict):
        payload = payload.get("data", payload.get("result", [payload] if "MATTHC" in payload else None))
    if not isinstance(payload, list):
        report.refuse(None, _('Expected a list of procedures (or {"data": [...]}).'))
        return []
    if len(payload) > MAX_RECORDS:
        report.refuse(None, _("The file has more than %(max)s procedures.") % {"max": MAX_RECORDS})
        return []
    specs = []
    for number, record in enumerate(payload, start=1):
        if not isinstance(record, dict):
            report.refuse(number, _("Each procedure must be a JSON object."))
            continue
        try:
            specs.append((str(number), _from_package(record)))
        except (DomainError, ValueError) as exc:
            message = exc.message if isinstance(exc, DomainError) else _("“%(v)s” is not a date.") % {"v": exc.args[0]}
            report.refuse(number, message, _text(record.get("MATTHC")))
    return specs


# --- Excel ----------------------------------------------------------------------------------
def _sheet_rows(workbook: Any, name: str, report: ImportReport, required: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    if name not in workbook.sheetnames:
        return []
    rows = list(workbook[name].iter_rows(values_only=True))
    if not rows:
        return []
    header = [fold(_text(h)).replace(" ", "_") for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        report.refuse(f"{name}:1", _("The sheet “%(sheet)s” lacks the columns %(cols)s.") % {"sheet": name, "cols": ", ".join(missing)})
        return []
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if all(v is None or _text(v) == "" for v in row):
            continue
        out.append((f"{name}:{i}", dict(zip(header, row, strict=False))))
    return out


def _read_xlsx(data: bytes, report: ImportReport) -> list[tuple[str, ProcedureSpec]]:
    import openpyxl

    try:
        # Every part unzipped and counted (declared and actual size, ratio) before openpyxl opens it.
        check_zip_bounded(data, name="xlsx", limits=ZipLimits.default(max_bytes=MAX_XLSX_UNCOMPRESSED))
    except LimitError as exc:
        too_large = exc.code in ("file.zip_too_large", "file.zip_ratio", "file.zip_too_many_members")
        report.refuse(None, _("The workbook is too large once unpacked.") if too_large else _("The file is not an Excel workbook (.xlsx)."))
        return []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        report.refuse(None, _("The file is not an Excel workbook (.xlsx)."))
        return []
    if "procedures" not in workbook.sheetnames:
        report.refuse(None, _("The workbook has no sheet named “procedures”."))
        return []
    procedures = _sheet_rows(workbook, "procedures", report, ("code", "name", "field", "counter_time"))
    components = _sheet_rows(workbook, "components", report, ("procedure_code", "name"))
    steps = _sheet_rows(workbook, "steps", report, ("procedure_code", "name", "allotment"))
    specs: dict[str, tuple[str, ProcedureSpec]] = {}
    for where, row in procedures:
        code = _text(row.get("code"))
        try:
            unit = _unit(_text(row.get("time_unit")))
            cutoff = _text(row.get("cutoff"))
            cutoff_time = dt.time.fromisoformat(cutoff if len(cutoff) != 4 else "0" + cutoff) if cutoff else None
            times = []
            for channel, column in ((Channel.COUNTER, "counter_time"), (Channel.ONLINE, "online_time"), (Channel.POST, "post_time")):
                if _text(row.get(column)):
                    times.append(TimeSpec(channel, _decimal(row.get(column)), unit, cutoff_time))
            levels = []
            for part in _text(row.get("levels")).replace(";", ",").split(","):
                if part.strip():
                    level = _level(part)
                    if level is None:
                        raise DomainError("procedure.level_invalid", _("Unknown level “%(level)s”.") % {"level": part.strip()})
                    levels.append(level)
            fee = _int(row.get("fee"), 0) if _text(row.get("fee")) else None
            rule = _text(row.get("supplement_rule")) or SupplementRule.RESTART
            spec = ProcedureSpec(
                code=code,
                name=_text(row.get("name")),
                field_code=_text(row.get("field_code")),
                field_name=_text(row.get("field")),
                levels=levels,
                procedure_type=_text(row.get("type")) or ProcedureType.NOT_DELEGATED,
                online_mode=_online_mode(_text(row.get("online_mode"))),
                supplement_rule=rule,
                times=times,
                fees=[FeeSpec(_text(row.get("fee_description")) or _("Fee"), fee)] if fee is not None else [],
                result=_text(row.get("result")),
                instances=[c.strip() for c in _text(row.get("agencies")).replace(";", ",").split(",") if c.strip()],
                decision_number=_text(row.get("decision_number")),
                decision_date=parse_date(row.get("decision_date")),
                valid_from=parse_date(row.get("valid_from")),
                legal_basis=[{"number": p.strip(), "title": ""} for p in _text(row.get("legal_basis")).split(";") if p.strip()],
            )
        except DomainError as exc:
            report.refuse(where, exc.message, code)
            continue
        except ValueError as exc:
            report.refuse(where, _("“%(v)s” is not a valid value.") % {"v": exc.args[0] if exc.args else ""}, code)
            continue
        if code in specs:
            report.refuse(where, _("The procedure %(code)s appears twice.") % {"code": code}, code)
            continue
        specs[code] = (where, spec)
    for where, row in components:
        code = _text(row.get("procedure_code"))
        if code not in specs:
            report.refuse(where, _("No procedure %(code)s in the sheet “procedures”.") % {"code": code}, code)
            continue
        try:
            required = fold(_text(row.get("required")) or "x") not in ("khong", "no", "0", "false")
            specs[code][1].components.append(
                ComponentSpec(
                    name=_text(row.get("name")),
                    originals=_int(row.get("originals"), 1),
                    copies=_int(row.get("copies"), 0),
                    form_name=_text(row.get("form")),
                    mandatory=required,
                )
            )
        except ValueError as exc:
            report.refuse(where, _("“%(v)s” is not a number of copies.") % {"v": exc.args[0]}, code)
    for where, row in steps:
        code = _text(row.get("procedure_code"))
        if code not in specs:
            report.refuse(where, _("No procedure %(code)s in the sheet “procedures”.") % {"code": code}, code)
            continue
        try:
            specs[code][1].steps.append(
                StepSpec(
                    name=_text(row.get("name")),
                    allotment=_decimal(row.get("allotment")),
                    unit=_unit(_text(row.get("unit"))),
                    handler=_text(row.get("handler")) or "competent",
                    role=_text(row.get("role")) or "processing_officer",
                )
            )
        except ValueError as exc:
            report.refuse(where, _("“%(v)s” is not a number.") % {"v": exc.args[0]}, code)
    return list(specs.values())


def detect_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return "xlsx"
    return "json"


def import_procedures(
    data: bytes,
    *,
    filename: str,
    actor: Account | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    is_sample: bool = False,
) -> ImportReport:
    """Check every record, then save all of them in one transaction, or none (see the module docstring)."""
    report = ImportReport()
    if len(data) > MAX_BYTES:
        report.refuse(None, _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // 1048576})
        return report
    report.format = detect_format(filename, data)
    specs = _read_xlsx(data, report) if report.format == "xlsx" else _read_package(data, report)
    report.total = len(specs) + len([e for e in report.errors if e.row])
    seen: set[str] = set()
    for i, (where, spec) in enumerate(specs, start=1):
        spec.is_sample = is_sample
        try:
            check_spec(spec)
        except DomainError as exc:
            report.refuse(where, exc.message, spec.code)
        if spec.code in seen and report.format == "json":
            report.refuse(where, _("The procedure %(code)s appears twice.") % {"code": spec.code}, spec.code)
        seen.add(spec.code)
        if progress and i % 20 == 0:
            progress(i, len(specs), "checking")
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            for i, (where, spec) in enumerate(specs, start=1):
                try:
                    outcome = save_procedure(spec=spec, actor=actor, today=today)
                except DomainError as exc:
                    report.refuse(where, exc.message, spec.code)
                    raise _Rollback from None
                setattr(report, outcome, getattr(report, outcome) + 1)
                if progress and i % 20 == 0:
                    progress(i, len(specs), "saving")
    except _Rollback:
        report.created = report.updated = report.unchanged = 0
    return report
