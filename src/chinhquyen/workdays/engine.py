"""Deadline arithmetic in working time (STANDARDS §3.5, §6; issue 3).

Time is counted in microseconds of working time. For each year and each set of working hours a
table holds the working time accumulated before every day of the year (`cum`), built once from
the stored calendar; a due time is then one binary search in that table plus a look-up inside the
day, never a walk through days or minutes.

Semantics (issue 3):

- One working day is one day's working hours (8 h with the default hours).
- The clock starts at `start` if that instant is inside the working hours of a working day and
  before the cutoff; otherwise at the next opening (the start of the next working period).
- A result that falls exactly at the end of a working period (lunch break, closing time) is that
  end, not the next opening.
- Pauses stop the clock (NĐ 61/2018 art. 19 as the national index applies it, STANDARDS §13.2.4):
  the working time they cover does not count.
- Times are aware datetimes in settings.TIME_ZONE (Asia/Ho_Chi_Minh, which has kept UTC+7 with no
  daylight saving since 1975); naive datetimes are read as local time.

A year with no calendar row is computed from the rule proposal (`rules.propose_days`) and logged
as a warning; a stored year that no administrator confirmed is used as it is, also with a
warning (docs/adr/0005-working-calendar.md).

The stored calendar is cached per process. The cache is checked against the database (one small
query on `revision` columns) at most every `settings.WORKDAYS_CACHE_SECONDS` seconds (default 30;
0 under tests), and the services clear it at once in the process that made a change.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.workdays.models import (
    DEFAULT_PERIODS,
    DEFAULT_WEEKDAYS,
    MAX_YEAR,
    MIN_YEAR,
    CalendarDay,
    CalendarYear,
    HolidayKind,
    WorkingHours,
)
from chinhquyen.workdays.rules import propose_days

logger = logging.getLogger(__name__)

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR

#: Refuse amounts beyond this many working days (about 40 years): no deadline is that long.
MAX_DAYS = 10_000

Position = tuple[int, int]  # (date ordinal, microseconds since local midnight)
Number = int | float | Decimal


def _time_us(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * US_PER_SECOND + value.microsecond


class Hours:
    """Working weekdays and the periods of a working day (the same periods every working day)."""

    __slots__ = ("_before", "day_length", "first_opening", "periods", "weekdays")

    def __init__(self, weekdays: Iterable[int], periods: Iterable[tuple[dt.time, dt.time]]) -> None:
        self.weekdays = frozenset(weekdays)
        spans = tuple((_time_us(start), _time_us(end) if end != dt.time(0) else US_PER_DAY) for start, end in periods)
        self.periods = spans
        before = []
        total = 0
        for start, end in spans:
            before.append(total)
            total += end - start
        self._before = tuple(before)
        self.day_length = total
        self.first_opening = spans[0][0]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hours) and (self.weekdays, self.periods) == (other.weekdays, other.periods)

    def __hash__(self) -> int:
        return hash((self.weekdays, self.periods))

    @classmethod
    def from_stored(cls, weekdays: Sequence[int], periods: Sequence[Sequence[str]]) -> Hours:
        return cls(weekdays, [(dt.time.fromisoformat(start), dt.time.fromisoformat(end)) for start, end in periods])

    def elapsed(self, m: int) -> int:
        """Working time in [midnight, m) of a working day."""
        for (start, end), before in zip(self.periods, self._before, strict=True):
            if m <= start:
                return before
            if m < end:
                return before + m - start
        return self.day_length

    def position(self, w: int) -> int:
        """The earliest instant of a working day by which `w` (0 < w ≤ day_length) has elapsed.

        The earliest, so that a result at the end of a period is that end, not the next opening.
        """
        for (start, end), before in zip(self.periods, self._before, strict=True):
            if w <= before + end - start:
                return start + w - before
        raise AssertionError("w beyond the working day")  # pragma: no cover - callers keep 0 < w <= day_length

    def opening_at_or_after(self, m: int) -> int | None:
        """`m` if it is inside a period, else the next period's start that day, else None."""
        for start, end in self.periods:
            if m < start:
                return start
            if m < end:
                return m
        return None


DEFAULT_HOURS = Hours(DEFAULT_WEEKDAYS, DEFAULT_PERIODS)


@dataclass(frozen=True)
class YearStatus:
    year: int
    #: "notice" or "proposal" for a stored year; "rules" when no row exists (computed by rule).
    source: str
    confirmed: bool
    reference: str = ""


class CalendarData:
    """The kinds of the days that differ from an ordinary week, for every year, as stored."""

    def __init__(self, stored: dict[int, dict[int, str]], statuses: dict[int, YearStatus]) -> None:
        self._kinds = stored
        self._statuses = statuses
        self._lock = threading.Lock()

    def kinds(self, year: int) -> dict[int, str]:
        """Date ordinal → kind for `year`; the rule proposal (with a warning) when the year is not stored."""
        kinds = self._kinds.get(year)
        if kinds is not None:
            return kinds
        with self._lock:
            if year not in self._kinds:
                logger.warning("workdays: no calendar for %s; computing with the rule proposal until one is loaded", year)
                self._kinds[year] = {d.date.toordinal(): d.kind for d in propose_days(year)}
        return self._kinds[year]

    def status(self, year: int) -> YearStatus:
        return self._statuses.get(year) or YearStatus(year=year, source="rules", confirmed=False)


class _YearTable:
    __slots__ = ("cum", "first", "n", "total")

    def __init__(self, first: int, cum: list[int]) -> None:
        self.first = first
        self.cum = cum
        self.n = len(cum) - 1
        self.total = cum[-1]


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            "workdays.out_of_range",
            _("The working calendar covers %(min)s–%(max)s; %(year)s is outside it.") % {"min": MIN_YEAR, "max": MAX_YEAR, "year": year},
        )


def _amount(days: Number | None, hours: Number | None, minutes: Number | None, day_length: int) -> int:
    if days is None and hours is None and minutes is None:
        raise DomainError("workdays.amount_missing", _("Give a number of working days or hours."), fields={"days": [_("Required.")]})
    total: int | Decimal = 0
    for name, value, unit in (("days", days, day_length), ("hours", hours, US_PER_HOUR), ("minutes", minutes, US_PER_MINUTE)):
        if value is None:
            continue
        number = value if type(value) is int else Decimal(str(value))  # whole numbers stay exact ints (fast path)
        if (isinstance(number, Decimal) and not number.is_finite()) or number < 0:
            raise DomainError(
                "workdays.amount_negative",
                _("The amount of working time cannot be negative."),
                fields={name: [_("Must be zero or more.")]},
            )
        total += number * unit
    if total > MAX_DAYS * day_length:
        raise DomainError(
            "workdays.amount_too_large",
            _("The amount of working time is more than %(max)s working days.") % {"max": MAX_DAYS},
            fields={"days": [_("Too large.")]},
        )
    return total if isinstance(total, int) else int(total.to_integral_value())


class WorkingCalendar:
    """The working calendar of one set of working hours. Build through `working_calendar()`."""

    def __init__(self, data: CalendarData, hours: Hours, tz: dt.tzinfo) -> None:
        self.data = data
        self.hours = hours
        self.tz = tz
        self._tables: dict[int, _YearTable] = {}

    # --- tables -------------------------------------------------------------------------------
    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            table = self._tables[year] = self._build(year)
        return table

    def _build(self, year: int) -> _YearTable:
        _check_year(year)
        first = dt.date(year, 1, 1).toordinal()
        n = dt.date(year, 12, 31).toordinal() - first + 1
        kinds = self.data.kinds(year)
        weekdays = self.hours.weekdays
        day_length = self.hours.day_length
        cum = [0] * (n + 1)
        total = 0
        for i in range(n):
            ordinal = first + i
            kind = kinds.get(ordinal)
            if kind is None:
                working = (ordinal - 1) % 7 in weekdays  # ordinal 1 (0001-01-01) is a Monday
            else:
                working = kind == HolidayKind.SWAP_WORKDAY
            if working:
                total += day_length
            cum[i + 1] = total
        return _YearTable(first, cum)

    # --- conversions --------------------------------------------------------------------------
    def _split(self, value: dt.datetime | dt.date) -> Position:
        if isinstance(value, dt.datetime):
            local = value.astimezone(self.tz) if value.tzinfo is not None else value
            return local.toordinal(), ((local.hour * 60 + local.minute) * 60 + local.second) * US_PER_SECOND + local.microsecond
        return value.toordinal(), 0

    def _join(self, position: Position) -> dt.datetime:
        ordinal, m = position
        return dt.datetime.fromordinal(ordinal).replace(tzinfo=self.tz) + dt.timedelta(microseconds=m)

    def localize(self, value: dt.datetime) -> dt.datetime:
        """`value` as an aware local datetime (naive values are local time)."""
        return self._join(self._split(value))

    # --- days ---------------------------------------------------------------------------------
    def _is_working(self, ordinal: int) -> bool:
        table = self._table(dt.date.fromordinal(ordinal).year)
        i = ordinal - table.first
        return table.cum[i + 1] > table.cum[i]

    def _next_working(self, ordinal: int) -> int:
        """The first working day strictly after `ordinal`."""
        year = dt.date.fromordinal(ordinal).year
        table = self._table(year)
        i = ordinal - table.first
        reached = table.cum[i + 1]
        j = bisect_right(table.cum, reached, i + 1)
        while j > table.n:  # nothing worked in the rest of the year: the first working day of the next
            year += 1
            table = self._table(year)
            j = bisect_right(table.cum, 0)
        return table.first + j - 1

    def _previous_working(self, ordinal: int) -> int:
        """The last working day strictly before `ordinal`."""
        year = dt.date.fromordinal(ordinal).year
        table = self._table(year)
        reached = table.cum[ordinal - table.first]
        while reached == 0:
            year -= 1
            table = self._table(year)
            reached = table.total
        return table.first + bisect_left(table.cum, reached) - 1

    def is_working_day(self, day: dt.date) -> bool:
        return self._is_working(self._split(day)[0])

    def next_working_day(self, day: dt.date) -> dt.date:
        return dt.date.fromordinal(self._next_working(self._split(day)[0]))

    def previous_working_day(self, day: dt.date) -> dt.date:
        return dt.date.fromordinal(self._previous_working(self._split(day)[0]))

    def working_days(self, year: int) -> int:
        """How many working days `year` has."""
        return self._table(year).total // self.hours.day_length

    # --- instants -----------------------------------------------------------------------------
    def _clock_start(self, position: Position, cutoff_us: int | None = None) -> Position:
        ordinal, m = position
        if self._is_working(ordinal) and (cutoff_us is None or m < cutoff_us):
            opening = self.hours.opening_at_or_after(m)
            if opening is not None:
                return ordinal, opening
        return self._next_working(ordinal), self.hours.first_opening

    def _coordinate(self, position: Position) -> tuple[int, int]:
        """(year, working time from the start of that year to `position`)."""
        ordinal, m = position
        year = dt.date.fromordinal(ordinal).year
        table = self._table(year)
        i = ordinal - table.first
        before = table.cum[i]
        if table.cum[i + 1] > before:
            before += self.hours.elapsed(m)
        return year, before

    def _between(self, a: Position, b: Position) -> int:
        """Working time in [a, b) for a ≤ b."""
        year_a, w_a = self._coordinate(a)
        year_b, w_b = self._coordinate(b)
        if year_a == year_b:
            return w_b - w_a
        total = self._table(year_a).total - w_a + w_b
        for year in range(year_a + 1, year_b):
            total += self._table(year).total
        return total

    def _advance(self, position: Position, amount: int) -> Position:
        """The earliest instant by which `amount` (> 0) of working time has elapsed from a clock start."""
        year, target = self._coordinate(position)
        target += amount
        table = self._table(year)
        while target > table.total:
            target -= table.total
            year += 1
            table = self._table(year)
        k = bisect_left(table.cum, target) - 1  # cum[k] < target <= cum[k + 1]: day k is a working day
        return table.first + k, self.hours.position(target - table.cum[k])

    def _pauses(self, pauses: Iterable[tuple[dt.datetime, dt.datetime]]) -> list[tuple[Position, Position]]:
        """The pauses as positions, in order, overlapping and touching ones merged."""
        spans = sorted((self._split(start), self._split(end)) for start, end in pauses)
        merged: list[tuple[Position, Position]] = []
        for start, end in spans:
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                if end > merged[-1][1]:
                    merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        return merged

    def add(
        self,
        start: dt.datetime | dt.date,
        *,
        days: Number | None = None,
        hours: Number | None = None,
        minutes: Number | None = None,
        cutoff: dt.time | None = None,
        pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    ) -> dt.datetime:
        """The due time: `days` working days plus `hours` working hours (plus `minutes`) after `start`."""
        amount = _amount(days, hours, minutes, self.hours.day_length)
        position = self._clock_start(self._split(start), None if cutoff is None else _time_us(cutoff))
        if pauses:
            for pause_start, pause_end in self._pauses(pauses):
                if pause_end <= position:
                    continue
                if pause_start > position:
                    available = self._between(position, pause_start)
                    if available >= amount:
                        break
                    amount -= available
                # The clock stands still until the pause ends, then restarts at the next opening.
                position = self._clock_start(pause_end)
        if amount == 0:
            return self._join(position)
        return self._join(self._advance(position, amount))

    def between(
        self, a: dt.datetime | dt.date, b: dt.datetime | dt.date, *, pauses: Iterable[tuple[dt.datetime, dt.datetime]] = ()
    ) -> dt.timedelta:
        """Working time from `a` to `b` outside the pauses; negative when `b` is before `a`."""
        pa, pb = self._split(a), self._split(b)
        sign = 1
        if pb < pa:
            pa, pb, sign = pb, pa, -1
        total = self._between(pa, pb)
        for pause_start, pause_end in self._pauses(pauses):
            lo, hi = max(pause_start, pa), min(pause_end, pb)
            if lo < hi:
                total -= self._between(lo, hi)
        return dt.timedelta(microseconds=sign * total)


# --- the per-process cache ------------------------------------------------------------------------
class _State:
    def __init__(self, stamp: object, data: CalendarData, hours_by_agency: dict[int | None, Hours], tz: dt.tzinfo) -> None:
        self.stamp = stamp
        self.data = data
        self.hours_by_agency = hours_by_agency
        self.tz = tz
        self.calendars: dict[Hours, WorkingCalendar] = {}
        self.checked_at = time.monotonic()
        self.ttl = float(settings.WORKDAYS_CACHE_SECONDS)

    def calendar(self, hours: Hours) -> WorkingCalendar:
        calendar = self.calendars.get(hours)
        if calendar is None:
            calendar = self.calendars[hours] = WorkingCalendar(self.data, hours, self.tz)
        return calendar


_state: _State | None = None
_state_lock = threading.Lock()


def _stamp() -> object:
    years = tuple(CalendarYear.objects.order_by("year").values_list("year", "revision"))
    hours = tuple(WorkingHours.objects.order_by("pk").values_list("pk", "revision"))
    return years, hours


def _load(stamp: object) -> _State:
    statuses: dict[int, YearStatus] = {}
    ids: dict[int, int] = {}
    for row in CalendarYear.objects.all():
        statuses[row.year] = YearStatus(year=row.year, source=row.source, confirmed=row.confirmed, reference=row.reference)
        ids[row.pk] = row.year
        if not row.confirmed:
            logger.warning("workdays: the calendar of %s is in use but not confirmed by an administrator", row.year)
    stored: dict[int, dict[int, str]] = {year: {} for year in statuses}
    for year_id, day, kind in CalendarDay.objects.values_list("calendar_year_id", "date", "kind"):
        stored[ids[year_id]][day.toordinal()] = kind
    hours_by_agency = {row.agency_id: Hours.from_stored(row.weekdays, row.periods) for row in WorkingHours.objects.all()}
    return _State(stamp, CalendarData(stored, statuses), hours_by_agency, ZoneInfo(settings.TIME_ZONE))


def _current() -> _State:
    global _state
    state = _state
    now = time.monotonic()
    if state is not None and now - state.checked_at < state.ttl:
        return state
    with _state_lock:
        stamp = _stamp()
        if state is not None and state.stamp == stamp:
            state.checked_at = now
            return state
        state = _state = _load(stamp)
        return state


def invalidate_cache() -> None:
    """Forget the cached calendar in this process (the services call it after every change)."""
    global _state
    _state = None


def _agency_id(agency: Any) -> int | None:
    if agency is None or isinstance(agency, int):
        return agency
    return int(agency.pk)


def working_calendar(agency: Any = None) -> WorkingCalendar:
    """The calendar of `agency` (an Agency, its id, or None for the default working hours)."""
    state = _current()
    agency_id = _agency_id(agency)
    hours = state.hours_by_agency.get(agency_id) if agency_id is not None else None
    if hours is None:
        hours = state.hours_by_agency.get(None, DEFAULT_HOURS)
    return state.calendar(hours)


def year_status(year: int) -> YearStatus:
    return _current().data.status(year)


# --- the functions other apps call ----------------------------------------------------------------
def add_working_time(
    start: dt.datetime | dt.date,
    *,
    days: Number | None = None,
    hours: Number | None = None,
    minutes: Number | None = None,
    cutoff: dt.time | None = None,
    pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    agency: Any = None,
) -> dt.datetime:
    """The due time `days` working days and `hours` working hours after `start` (see the module docstring).

    Raises DomainError `workdays.amount_missing`, `workdays.amount_negative`, `workdays.amount_too_large`
    or `workdays.out_of_range`.
    """
    return working_calendar(agency).add(start, days=days, hours=hours, minutes=minutes, cutoff=cutoff, pauses=pauses)


def working_time_between(
    a: dt.datetime | dt.date, b: dt.datetime | dt.date, *, pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (), agency: Any = None
) -> dt.timedelta:
    """Working time from `a` to `b` with the pauses left out; negative when `b` is before `a`."""
    return working_calendar(agency).between(a, b, pauses=pauses)


def is_working_day(day: dt.date, agency: Any = None) -> bool:
    return working_calendar(agency).is_working_day(day)


def next_working_day(day: dt.date, agency: Any = None) -> dt.date:
    """The first working day after `day` (not `day` itself)."""
    return working_calendar(agency).next_working_day(day)


def previous_working_day(day: dt.date, agency: Any = None) -> dt.date:
    """The last working day before `day` (not `day` itself)."""
    return working_calendar(agency).previous_working_day(day)
