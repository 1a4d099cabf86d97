"""Every write to the working calendar.

Each service runs in one transaction with its audit event, checks everything before it writes,
and refuses with a `DomainError` (code + message) leaving nothing changed. After a change the
engine's cache of this process is cleared (other processes see it within
`WORKDAYS_CACHE_SECONDS`, engine.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core import uploads
from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError
from chinhquyen.core.locks import lock_for_transaction
from chinhquyen.workdays import engine
from chinhquyen.workdays.fileformat import CalendarFile, FileDay, calendar_file_as_dict, check_day_kind, parse_calendar_file
from chinhquyen.workdays.models import (
    MAX_YEAR,
    MIN_YEAR,
    CalendarDay,
    CalendarSource,
    CalendarYear,
    HolidayKind,
    WorkingHours,
    new_revision,
)
from chinhquyen.workdays.rules import propose_days

#: The calendars shipped with the application (STANDARDS §13.3), one file per year.
SHIPPED_DIR = Path(__file__).resolve().parent / "data"


def _changed() -> None:
    engine.invalidate_cache()
    transaction.on_commit(engine.invalidate_cache)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            "workdays.year_out_of_range",
            _("The year %(year)s is outside %(min)s–%(max)s.") % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
            fields={"year": [_("Out of range.")]},
        )


def _write_year(calendar: CalendarFile, *, source: str, confirmed: bool, actor: Any) -> CalendarYear:
    """Replace the stored year by `calendar` (inside the caller's transaction)."""
    lock_for_transaction(f"workdays-year:{calendar.year}")
    row = CalendarYear.objects.select_for_update().filter(year=calendar.year).first()
    if row is None:
        row = CalendarYear(year=calendar.year)
    row.reference = calendar.reference
    row.notices = calendar.notices
    row.source = source
    row.confirmed = confirmed
    row.confirmed_at = timezone.now() if confirmed else None
    row.confirmed_by = actor if confirmed and getattr(actor, "pk", None) else None
    row.revision = new_revision()
    row.save()
    row.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar_year=row, date=d.date, kind=d.kind, name=d.name, legal_reference=d.legal_reference) for d in calendar.days
    )
    return row


def import_year(*, data: str | bytes | dict[str, Any], actor: Any = None, confirm: bool | None = None) -> CalendarYear:
    """Replace a year by the content of a notice file (fileformat.py), as one transaction.

    The year is confirmed if the file says `"confirmed": true` or `confirm` is True (`confirm=False`
    imports it unconfirmed whatever the file says). Raises DomainError `workdays.file_malformed`,
    `workdays.year_out_of_range`, `workdays.date_invalid`, `workdays.date_outside_year`,
    `workdays.date_duplicate`, `workdays.kind_unknown`, `workdays.swap_not_weekend` or
    `workdays.swap_not_weekday`; the stored year is then unchanged.
    """
    if isinstance(data, (str, bytes)):  # a file from outside: the upload policy first (size, JSON, scanner)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            uploads.check_upload(("calendar.json", raw), intake=uploads.IMPORT_WORKDAYS, field="file")
        except DomainError as exc:
            if exc.code != "upload.unreadable":
                raise  # not JSON: parse_calendar_file says where, as workdays.file_malformed
    calendar = parse_calendar_file(data)
    confirmed = calendar.confirmed if confirm is None else confirm
    with transaction.atomic():
        row = _write_year(calendar, source=CalendarSource.NOTICE, confirmed=confirmed, actor=actor)
        record_event(
            action="workdays.year_imported",
            actor=actor,
            object_type="workdays.calendaryear",
            object_id=row.year,
            summary={"year": row.year, "days": len(calendar.days), "confirmed": confirmed, "reference": calendar.reference},
        )
        _changed()
    return row


def propose_year(*, year: int, actor: Any = None, dry_run: bool = False) -> CalendarFile:
    """Store the rule proposal for `year` as an unconfirmed year (rules.py) and return it.

    Refuses a year an administrator has confirmed (`workdays.year_confirmed`): import or edit it
    instead. An unconfirmed year is replaced by the fresh proposal. With `dry_run` nothing is stored.
    """
    _check_year(year)
    proposal = CalendarFile(
        year=year,
        reference=_("Proposed by rule (Labour Code 2019 art. 111.3, art. 112; NQ 28/2026/QH16): to check against the year's notices."),
        days=[FileDay(date=d.date, kind=d.kind, name=d.name, legal_reference=d.legal_reference) for d in propose_days(year)],
    )
    if dry_run:
        return proposal
    with transaction.atomic():
        lock_for_transaction(f"workdays-year:{year}")
        if CalendarYear.objects.filter(year=year, confirmed=True).exists():
            raise DomainError(
                "workdays.year_confirmed",
                _("The calendar of %(year)s is confirmed; edit its days or import its notice instead.") % {"year": year},
            )
        _write_year(proposal, source=CalendarSource.PROPOSAL, confirmed=False, actor=actor)
        record_event(
            action="workdays.year_proposed",
            actor=actor,
            object_type="workdays.calendaryear",
            object_id=year,
            summary={"year": year, "days": len(proposal.days)},
        )
        _changed()
    return proposal


def confirm_year(*, year: int, actor: Any = None) -> CalendarYear:
    """Mark a stored year as checked by an administrator against its notices.

    Raises DomainError `workdays.year_missing` when the year is not stored (propose or import it first).
    """
    with transaction.atomic():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        if row is None:
            raise DomainError(
                "workdays.year_missing", _("There is no calendar for %(year)s yet: propose or import it first.") % {"year": year}
            )
        if row.confirmed:
            return row
        row.confirmed = True
        row.confirmed_at = timezone.now()
        row.confirmed_by = actor if getattr(actor, "pk", None) else None
        row.revision = new_revision()
        row.save()
        record_event(
            action="workdays.year_confirmed", actor=actor, object_type="workdays.calendaryear", object_id=year, summary={"year": year}
        )
        _changed()
    return row


def set_day_kind(*, day: dt.date, kind: str | None, name: str = "", legal_reference: str = "", actor: Any = None) -> CalendarDay | None:
    """Make `day` a holiday, compensation day or swapped day (`kind`), or an ordinary day (`kind` None or "").

    A year not stored yet is first stored from the rule proposal (unconfirmed), so that the
    proposal's other days are kept. A confirmed year stays confirmed: the change is the
    administrator's own and the audit trail records it. Raises DomainError `workdays.kind_unknown`,
    `workdays.swap_not_weekend`, `workdays.swap_not_weekday` or `workdays.year_out_of_range`.
    """
    _check_year(day.year)
    name = name.strip()
    legal_reference = legal_reference.strip()
    if kind:
        check_day_kind(day, kind)
    if len(name) > 255 or len(legal_reference) > 255:
        raise DomainError("workdays.text_too_long", _("The name and the legal reference are at most 255 characters."))
    with transaction.atomic():
        lock_for_transaction(f"workdays-year:{day.year}")
        row = CalendarYear.objects.select_for_update().filter(year=day.year).first()
        if row is None:
            propose_year(year=day.year, actor=actor)
            row = CalendarYear.objects.select_for_update().get(year=day.year)
        before = CalendarDay.objects.filter(date=day).values("kind", "name", "legal_reference").first()
        result: CalendarDay | None = None
        if kind:
            result, _created = CalendarDay.objects.update_or_create(
                date=day,
                defaults={
                    "calendar_year": row,
                    "kind": kind,
                    "name": name or str(HolidayKind(kind).label),
                    "legal_reference": legal_reference,
                },
            )
        else:
            CalendarDay.objects.filter(date=day).delete()
        row.revision = new_revision()
        row.save(update_fields=["revision", "updated_at"])
        record_event(
            action="workdays.day_changed",
            actor=actor,
            object_type="workdays.calendaryear",
            object_id=day.year,
            summary={"date": day.isoformat(), "before": before, "kind": kind or None, "name": name, "legal_reference": legal_reference},
        )
        _changed()
    return result


def export_year(*, year: int) -> dict[str, Any]:
    """The stored year in the file format (`import_year` reads it back unchanged).

    Raises DomainError `workdays.year_missing` when the year is not stored.
    """
    row = CalendarYear.objects.filter(year=year).first()
    if row is None:
        raise DomainError("workdays.year_missing", _("There is no calendar for %(year)s yet: propose or import it first.") % {"year": year})
    days = [FileDay(date=d.date, kind=d.kind, name=d.name, legal_reference=d.legal_reference) for d in row.days.order_by("date")]
    return calendar_file_as_dict(
        CalendarFile(year=row.year, days=days, reference=row.reference, notices=list(row.notices), confirmed=row.confirmed)
    )


def _parse_periods(periods: Iterable[Sequence[dt.time | str]]) -> list[tuple[dt.time, dt.time]]:
    parsed: list[tuple[dt.time, dt.time]] = []
    for pair in periods:
        try:
            start, end = (p if isinstance(p, dt.time) else dt.time.fromisoformat(str(p)) for p in pair)
        except (TypeError, ValueError):
            raise DomainError(
                "workdays.hours_invalid",
                _("Each working period is a start and an end time, HH:MM."),
                fields={"periods": [_("Expected HH:MM.")]},
            ) from None
        parsed.append((start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)))
    return parsed


def set_working_hours(
    *, agency: Any = None, weekdays: Iterable[int], periods: Iterable[Sequence[dt.time | str]], actor: Any = None
) -> WorkingHours:
    """Set the working hours of `agency` (None: the default for every agency without its own).

    `weekdays` count from 0 = Monday; `periods` are (start, end) pairs in order, not overlapping.
    Raises DomainError `workdays.hours_invalid`.
    """
    days = sorted(set(weekdays))
    parsed = _parse_periods(periods)
    if not days or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        raise DomainError(
            "workdays.hours_invalid",
            _("Choose at least one working weekday (0 = Monday … 6 = Sunday)."),
            fields={"weekdays": [_("Invalid.")]},
        )
    if not parsed:
        raise DomainError("workdays.hours_invalid", _("Give at least one working period."), fields={"periods": [_("Required.")]})
    previous_end: dt.time | None = None
    for start, end in parsed:
        if end <= start or (previous_end is not None and start < previous_end):
            raise DomainError(
                "workdays.hours_invalid",
                _("Working periods must be in order, each ending after it starts, without overlapping."),
                fields={"periods": [_("Invalid.")]},
            )
        previous_end = end
    stored = [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in parsed]
    agency_id = None if agency is None else int(agency.pk)
    with transaction.atomic():
        lock_for_transaction(f"workdays-hours:{agency_id}")
        existing = WorkingHours.objects.select_for_update()
        existing = existing.filter(agency__isnull=True) if agency_id is None else existing.filter(agency_id=agency_id)
        row = existing.first() or WorkingHours(agency_id=agency_id)
        before = {"weekdays": row.weekdays, "periods": row.periods} if row.pk else None
        row.weekdays = days
        row.periods = stored
        row.revision = new_revision()
        row.save()
        record_event(
            action="workdays.hours_set",
            actor=actor,
            agency_id=agency_id,
            object_type="workdays.workinghours",
            object_id=row.pk,
            summary={"before": before, "weekdays": days, "periods": stored},
        )
        _changed()
    return row


def shipped_calendars() -> list[CalendarFile]:
    """The calendar files shipped in `workdays/data/`, checked, by year."""
    return [parse_calendar_file(path.read_bytes()) for path in sorted(SHIPPED_DIR.glob("*.json"))]


def load_shipped_calendars(*, actor: Any = None) -> list[int]:
    """Store every shipped year that is not stored yet; returns the years loaded."""
    loaded = []
    for calendar in shipped_calendars():
        if not CalendarYear.objects.filter(year=calendar.year).exists():
            import_year(data=json.dumps(calendar_file_as_dict(calendar)), actor=actor)
            loaded.append(calendar.year)
    return loaded
