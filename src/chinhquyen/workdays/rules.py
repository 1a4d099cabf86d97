"""Proposing a year's calendar by rule, for a year no notice covers yet.

Never the final word (STANDARDS §6.3): each year the Prime Minister sets the Tết days and the day
next to National Day, and the Ministry of Home Affairs' notice adds swaps. The proposal is what
an administrator starts from; the engine also uses it, with a warning, for a year that has no
calendar row at all (docs/adr/0005-working-calendar.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chinhquyen.workdays.lunar import hung_kings_day, lunar_new_year
from chinhquyen.workdays.models import HolidayKind

LABOUR_CODE = "Bộ luật Lao động 2019, điều 112"
COMPENSATION_RULE = "Bộ luật Lao động 2019, khoản 3 điều 111"
CULTURE_DAY_RULE = "Nghị quyết 28/2026/QH16"
#: NQ 28/2026/QH16 is in force from 01/07/2026: 24/11/2026 is the first Vietnamese Culture Day off.
CULTURE_DAY_FIRST_YEAR = 2026

#: The national calendar's weekly rest days (Saturday, Sunday), from which compensation is counted.
WEEKEND = frozenset({5, 6})


@dataclass(frozen=True)
class ProposedDay:
    date: dt.date
    kind: str
    name: str
    legal_reference: str


def _holidays(year: int) -> list[ProposedDay]:
    days = [ProposedDay(dt.date(year, 1, 1), HolidayKind.HOLIDAY, "Tết Dương lịch", LABOUR_CODE + " (khoản 1.a)")]
    # Art. 112.1.b: five Tết days whose placement the Prime Minister decides each year. The
    # proposal takes the last day of the old year and mùng 1 to mùng 4 (the 2026 placement).
    new_year = lunar_new_year(year)
    tet_names = ["Tết Nguyên đán (tất niên)"] + [f"Tết Nguyên đán (mùng {n})" for n in range(1, 5)]
    for offset, name in zip(range(-1, 4), tet_names, strict=True):
        days.append(ProposedDay(new_year + dt.timedelta(days=offset), HolidayKind.HOLIDAY, name, LABOUR_CODE + " (khoản 1.b)"))
    days.append(ProposedDay(hung_kings_day(year), HolidayKind.HOLIDAY, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", LABOUR_CODE + " (khoản 1.đ)"))
    days.append(ProposedDay(dt.date(year, 4, 30), HolidayKind.HOLIDAY, "Ngày Chiến thắng", LABOUR_CODE + " (khoản 1.c)"))
    days.append(ProposedDay(dt.date(year, 5, 1), HolidayKind.HOLIDAY, "Ngày Quốc tế lao động", LABOUR_CODE + " (khoản 1.d)"))
    # Art. 112.1.e: 2 September and one adjacent day, chosen each year. The proposal takes
    # 3 September when the 2nd is a Monday (so the break joins the weekend, as in 2024), else 1 September.
    national_day = dt.date(year, 9, 2)
    adjacent = national_day + dt.timedelta(days=1 if national_day.weekday() == 0 else -1)
    for day in sorted([national_day, adjacent]):
        days.append(ProposedDay(day, HolidayKind.HOLIDAY, "Quốc khánh", LABOUR_CODE + " (khoản 1.e)"))
    if year >= CULTURE_DAY_FIRST_YEAR:
        days.append(ProposedDay(dt.date(year, 11, 24), HolidayKind.HOLIDAY, "Ngày Văn hóa Việt Nam", CULTURE_DAY_RULE))
    return sorted(days, key=lambda d: d.date)


def propose_days(year: int) -> list[ProposedDay]:
    """The days of `year` that differ from an ordinary week, by rule, in date order.

    Art. 111.3: a holiday on a weekly rest day gives a compensation day on the next working day
    (one that is neither a weekend day, a holiday nor an earlier compensation day). 24/11 is not
    compensated: NQ 28/2026/QH16 adds the day outside art. 112, and whether it is made up is
    unsettled (STANDARDS §13.3); an administrator adds it if a notice says so.
    """
    holidays = _holidays(year)
    taken = {h.date for h in holidays}
    result = list(holidays)
    for holiday in holidays:
        if holiday.date.weekday() not in WEEKEND or holiday.legal_reference == CULTURE_DAY_RULE:
            continue
        day = holiday.date + dt.timedelta(days=1)
        while day.weekday() in WEEKEND or day in taken:
            day += dt.timedelta(days=1)
        taken.add(day)
        result.append(ProposedDay(day, HolidayKind.COMPENSATION, f"Nghỉ bù {holiday.name}", COMPENSATION_RULE))
    # A compensation day can only land in the next year for 31 December, which is never a holiday.
    return sorted((d for d in result if d.date.year == year), key=lambda d: d.date)
