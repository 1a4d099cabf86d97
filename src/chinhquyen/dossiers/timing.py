"""Deadline arithmetic of dossiers, on the working calendar (workdays.engine). Pure functions, no writes.

Rules (ADR 0010; STANDARDS §3.5, §3.6, §13.2.4):

- The processing time starts at reception, or — when the version's processing time has a
  cutoff (e.g. 15:00 for civil status and certification) and the dossier arrived after it — at the
  start of the next working day. `add_working_time(cutoff=…)` does exactly this.
- Transfer (Decree 61/2018 art. 18.2–18.3, general rule): a dossier received in person goes to
  the competent agency the same working day, or at the start of the next working day if it
  arrived after `DOSSIER_TRANSFER_CUTOFF` (15:00). "At the start" is read as within the first
  working hour.
- Restart rule (Decree 61/2018 art. 19.4, the default): after a supplement the time limit is
  counted again, in full, from the receipt of the complete dossier. Fee waits are still pauses.
- Pause rule (the national index, Decision 766 indicator 2.1): every pause is subtracted.
- Timeliness: completed after the appointment → late; before the appointment's day → early;
  on that day, not after it → on time. Margin in working minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from chinhquyen.procedures.models import ProcedureVersion, ProcessingTime
from chinhquyen.workdays import engine

Interval = tuple[dt.datetime, dt.datetime]


def transfer_cutoff() -> dt.time:
    return dt.time.fromisoformat(settings.DOSSIER_TRANSFER_CUTOFF)


def processing_time_of(version: ProcedureVersion, channel: str) -> ProcessingTime:
    time = version.processing_time(channel)
    if time is None:  # pragma: no cover - check_spec refuses versions without one
        raise ValueError(f"{version} has no processing time")
    return time


def clock_start(received_at: dt.datetime, time: ProcessingTime, agency: Any) -> dt.datetime:
    """When the processing time starts counting (the cutoff may push it to the next working day)."""
    return engine.add_working_time(received_at, minutes=0, cutoff=time.cutoff_time, agency=agency)


def transfer_due(received_at: dt.datetime, agency: Any) -> dt.datetime:
    """By when a dossier received in person must be passed on (Decree 61/2018 art. 18.2–18.3)."""
    calendar = engine.working_calendar(agency)
    local = calendar.localize(received_at)
    if calendar.is_working_day(local.date()) and local.time() < transfer_cutoff():
        # The same working day: by its closing time (the end of the last working period).
        closing = engine.add_working_time(local.date(), hours=calendar.hours.day_length / engine.US_PER_HOUR, agency=agency)
        if closing > received_at:
            return closing
    next_day = calendar.next_working_day(local.date())
    return engine.add_working_time(next_day, hours=1, agency=agency)


def due_with_pauses(start: dt.datetime, time: ProcessingTime, pauses: Iterable[Interval], agency: Any) -> dt.datetime:
    """The pause rule: the processing time from the clock start, every pause subtracted."""
    return engine.add_working_time(start, pauses=list(pauses), agency=agency, **time.as_amount())


def due_restarted(
    start: dt.datetime, time: ProcessingTime, supplement_ends: list[dt.datetime], other_pauses: Iterable[Interval], agency: Any
) -> dt.datetime:
    """The restart rule: the full time limit again from the last completed supplement (cutoff applied)."""
    if not supplement_ends:
        return due_with_pauses(start, time, other_pauses, agency)
    restart = max(supplement_ends)
    later = [(a, b) for a, b in other_pauses if b > restart]
    return engine.add_working_time(restart, cutoff=time.cutoff_time, pauses=later, agency=agency, **time.as_amount())


def working_minutes(a: dt.datetime, b: dt.datetime, *, pauses: Iterable[Interval] = (), agency: Any = None) -> int:
    return int(engine.working_time_between(a, b, pauses=list(pauses), agency=agency).total_seconds() // 60)


def timeliness(finished: dt.datetime, due: dt.datetime, agency: Any = None) -> str:
    """early / on_time / late (STANDARDS §3.6)."""
    calendar = engine.working_calendar(agency)
    if finished > due:
        return "late"
    if calendar.localize(finished).date() < calendar.localize(due).date():
        return "early"
    return "on_time"


def latest_apology_time(due: dt.datetime, agency: Any = None) -> dt.datetime:
    """Decree 61/2018 art. 19.9: the apology goes out no later than one working day before the due time."""
    calendar = engine.working_calendar(agency)
    local = calendar.localize(due)
    previous = calendar.previous_working_day(local.date())
    return local.replace(year=previous.year, month=previous.month, day=previous.day)


def apology_prompt_opens(due: dt.datetime, agency: Any = None) -> dt.datetime:
    """The prompt shows from one working day before the latest time to send the apology."""
    latest = latest_apology_time(due, agency)
    calendar = engine.working_calendar(agency)
    local = calendar.localize(latest)
    previous = calendar.previous_working_day(local.date())
    return local.replace(year=previous.year, month=previous.month, day=previous.day)
