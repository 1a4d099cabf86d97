"""The file of a year's notice: reading and checking it, and writing it back.

    {"year": 2026, "reference": "…", "notices": [{"number": "9441/TB-BNV", "date": "2025-10-16", "title": "…"}],
     "confirmed": true,
     "days": [{"date": "2026-02-16", "kind": "holiday", "name": "Tết Nguyên đán", "reference": "…"}, …]}

`year` and `days` are required; `reference`, `notices`, `confirmed` and each day's `reference`
are optional. `parse_calendar_file` checks everything before anything is written and refuses
with a `DomainError` naming the first fault; it touches no database, so the data migration uses
it too.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.workdays.models import MAX_YEAR, MIN_YEAR, HolidayKind

#: A file larger than this is not a year's notice.
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class FileDay:
    date: dt.date
    kind: str
    name: str
    legal_reference: str = ""


@dataclass(frozen=True)
class CalendarFile:
    year: int
    days: list[FileDay]
    reference: str = ""
    notices: list[dict[str, str]] = field(default_factory=list)
    confirmed: bool = False


def _malformed(detail: str, *, field_name: str = "file") -> DomainError:
    return DomainError(
        "workdays.file_malformed",
        _("The calendar file is not in the expected form: %(detail)s") % {"detail": detail},
        fields={field_name: [detail]},
    )


def check_day_kind(day: dt.date, kind: str, *, field_name: str = "kind") -> None:
    """Refuse an unknown kind and a swap that contradicts the weekday (shared with `set_day_kind`)."""
    if kind not in HolidayKind.values:
        raise DomainError(
            "workdays.kind_unknown",
            _("“%(kind)s” is not a kind of day; expected one of: %(kinds)s.") % {"kind": kind, "kinds": ", ".join(HolidayKind.values)},
            fields={field_name: [_("Unknown kind.")]},
        )
    # A swapped working day is a weekly rest day that is worked; a swapped rest day is a weekday.
    if kind == HolidayKind.SWAP_WORKDAY and day.weekday() < 5:
        raise DomainError(
            "workdays.swap_not_weekend",
            _("%(date)s is a weekday: only a Saturday or Sunday can be a swapped working day.") % {"date": f"{day:%d/%m/%Y}"},
            fields={field_name: [_("Not a weekend day.")]},
        )
    if kind == HolidayKind.SWAP_RESTDAY and day.weekday() >= 5:
        raise DomainError(
            "workdays.swap_not_weekday",
            _("%(date)s is a weekend day: only a weekday can be a swapped rest day.") % {"date": f"{day:%d/%m/%Y}"},
            fields={field_name: [_("Not a weekday.")]},
        )


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool, max_length: int) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise _malformed(_("“%(key)s” must be text.") % {"key": key}, field_name=where)
    value = value.strip()
    if required and not value:
        raise _malformed(_("“%(key)s” is missing.") % {"key": key}, field_name=where)
    if len(value) > max_length:
        raise _malformed(_("“%(key)s” is longer than %(max)d characters.") % {"key": key, "max": max_length}, field_name=where)
    return value


def parse_calendar_file(raw: str | bytes | dict[str, Any]) -> CalendarFile:
    """Read and check a year's file (text, bytes or an already-decoded object)."""
    if isinstance(raw, str | bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise _malformed(_("the file is larger than 1 MB."))
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _malformed(_("it is not valid JSON (%(error)s).") % {"error": exc}) from None
    else:
        data = raw
    if not isinstance(data, dict):
        raise _malformed(_("the file must hold one JSON object."))
    unknown = sorted(set(data) - {"year", "reference", "notices", "confirmed", "days"})
    if unknown:
        raise _malformed(_("unknown key(s): %(keys)s.") % {"keys": ", ".join(unknown)})
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise _malformed(_("“year” must be a whole number."), field_name="year")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            "workdays.year_out_of_range",
            _("The year %(year)s is outside %(min)s–%(max)s.") % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
            fields={"year": [_("Out of range.")]},
        )
    reference = _text(data, "reference", "reference", required=False, max_length=1000)
    confirmed = data.get("confirmed", False)
    if not isinstance(confirmed, bool):
        raise _malformed(_("“confirmed” must be true or false."), field_name="confirmed")
    notices = data.get("notices", [])
    if not isinstance(notices, list) or not all(isinstance(n, dict) and isinstance(n.get("number"), str) for n in notices):
        raise _malformed(_("“notices” must be a list of objects, each with a “number”."), field_name="notices")
    clean_notices = [{str(k): str(v) for k, v in n.items() if k in {"number", "date", "title", "issuer"}} for n in notices]
    entries = data.get("days")
    if not isinstance(entries, list):
        raise _malformed(_("“days” must be a list."), field_name="days")
    days: list[FileDay] = []
    seen: set[dt.date] = set()
    for index, entry in enumerate(entries):
        where = f"days[{index}]"
        if not isinstance(entry, dict):
            raise _malformed(_("day %(index)s is not an object.") % {"index": index + 1}, field_name=where)
        extra = sorted(set(entry) - {"date", "kind", "name", "reference"})
        if extra:
            raise _malformed(
                _("day %(index)s has unknown key(s): %(keys)s.") % {"index": index + 1, "keys": ", ".join(extra)}, field_name=where
            )
        raw_date = entry.get("date")
        try:
            day = dt.date.fromisoformat(raw_date) if isinstance(raw_date, str) and len(raw_date) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise DomainError(
                "workdays.date_invalid",
                _("Day %(index)s: “%(value)s” is not a date of the form YYYY-MM-DD.") % {"index": index + 1, "value": raw_date},
                fields={f"{where}.date": [_("Expected YYYY-MM-DD.")]},
            )
        if day.year != year:
            raise DomainError(
                "workdays.date_outside_year",
                _("Day %(index)s: %(date)s is not in %(year)s, the year of the file.")
                % {"index": index + 1, "date": raw_date, "year": year},
                fields={f"{where}.date": [_("Outside the file's year.")]},
            )
        if day in seen:
            raise DomainError(
                "workdays.date_duplicate",
                _("Day %(index)s: %(date)s appears more than once.") % {"index": index + 1, "date": raw_date},
                fields={f"{where}.date": [_("Duplicate date.")]},
            )
        seen.add(day)
        kind = entry.get("kind")
        check_day_kind(day, kind if isinstance(kind, str) else repr(kind), field_name=f"{where}.kind")
        name = _text(entry, "name", where, required=True, max_length=255)
        legal_reference = _text(entry, "reference", where, required=False, max_length=255)
        days.append(FileDay(date=day, kind=str(kind), name=name, legal_reference=legal_reference))
    days.sort(key=lambda d: d.date)
    return CalendarFile(year=year, days=days, reference=reference, notices=clean_notices, confirmed=confirmed)


def calendar_file_as_dict(calendar: CalendarFile) -> dict[str, Any]:
    """The object `parse_calendar_file` reads back to the same `CalendarFile`."""
    return {
        "year": calendar.year,
        "reference": calendar.reference,
        "notices": calendar.notices,
        "confirmed": calendar.confirmed,
        "days": [
            {"date": d.date.isoformat(), "kind": d.kind, "name": d.name, **({"reference": d.legal_reference} if d.legal_reference else {})}
            for d in calendar.days
        ],
    }
