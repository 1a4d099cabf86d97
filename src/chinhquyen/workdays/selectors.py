"""Reads of the calendar that the pages and the command line show."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from chinhquyen.workdays import engine
from chinhquyen.workdays.models import CalendarYear, HolidayKind
from chinhquyen.workdays.rules import propose_days


@dataclass(frozen=True)
class DayEntry:
    date: dt.date
    kind: str
    name: str
    legal_reference: str = ""

    @property
    def kind_label(self) -> str:
        return str(HolidayKind(self.kind).label)


@dataclass
class YearOverview:
    year: int
    #: "notice", "proposal" (stored) or "rules" (nothing stored: the rule proposal is shown).
    source: str
    confirmed: bool
    reference: str = ""
    notices: list[dict[str, Any]] = field(default_factory=list)
    days: list[DayEntry] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        return self.source != "rules"


def year_days(*, year: int) -> YearOverview:
    """The year's exceptional days: the stored ones, or the rule proposal when nothing is stored."""
    row = CalendarYear.objects.filter(year=year).first()
    if row is None:
        days = [DayEntry(d.date, d.kind, d.name, d.legal_reference) for d in propose_days(year)]
        return YearOverview(year=year, source="rules", confirmed=False, days=days)
    days = [DayEntry(d.date, d.kind, d.name, d.legal_reference) for d in row.days.order_by("date")]
    return YearOverview(
        year=year, source=row.source, confirmed=row.confirmed, reference=row.reference, notices=list(row.notices), days=days
    )


@dataclass(frozen=True)
class GridCell:
    date: dt.date
    working: bool
    weekend: bool
    entry: DayEntry | None


@dataclass
class MonthGrid:
    month: int
    first: dt.date
    weeks: list[list[GridCell | None]]


def month_grid(overview: YearOverview, *, agency: Any = None) -> list[MonthGrid]:
    """Twelve months of weeks (Monday first), each cell with its kind and whether it is worked."""
    calendar = engine.working_calendar(agency)
    entries = {d.date: d for d in overview.days}
    months = []
    for month in range(1, 13):
        weeks_out: list[list[GridCell | None]] = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(overview.year, month):
            weeks_out.append(
                [
                    GridCell(day, calendar.is_working_day(day), day.weekday() >= 5, entries.get(day)) if day.month == month else None
                    for day in week
                ]
            )
        months.append(MonthGrid(month=month, first=dt.date(overview.year, month, 1), weeks=weeks_out))
    return months
