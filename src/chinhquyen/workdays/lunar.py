"""The Vietnamese lunar calendar (âm lịch), computed at UTC+7.

The Vietnamese and Chinese lunar calendars are the same algorithm run in different time zones
(UTC+7 against UTC+8), so they disagree on some new moons: Tết fell on 21/01/1985 in Vietnam and
20/02/1985 in China, on 17/02/2007 against 18/02/2007, and differs again in 1968 and 2030.
`lunardate` follows the Chinese calendar; `vnlunar` computes at UTC+7 (DESIGN.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import vnlunar

#: Vietnam's time zone for the astronomical computation (hours east of UTC).
VIETNAM_UTC_OFFSET = 7.0


@dataclass(frozen=True)
class LunarDate:
    year: int
    month: int
    day: int
    leap: bool = False


@lru_cache(maxsize=4096)
def lunar_to_solar(year: int, month: int, day: int, *, leap: bool = False) -> dt.date:
    """The solar date of a Vietnamese lunar date; ValueError if that lunar date does not exist."""
    result = vnlunar.convert_lunar_to_solar(day, month, year, 1 if leap else 0, VIETNAM_UTC_OFFSET)
    if result is None:
        raise ValueError(f"no such lunar date: {day}/{month}{'+' if leap else ''}/{year}")
    solar_day, solar_month, solar_year = result
    return dt.date(solar_year, solar_month, solar_day)


def solar_to_lunar(day: dt.date) -> LunarDate:
    """The Vietnamese lunar date of a solar date."""
    lunar = vnlunar.convert_solar_to_lunar(day.day, day.month, day.year, VIETNAM_UTC_OFFSET)
    return LunarDate(year=int(lunar["year"]), month=int(lunar["month"]), day=int(lunar["day"]), leap=bool(lunar["leap"]))


def lunar_new_year(year: int) -> dt.date:
    """Mùng 1 Tết: the first day of the first lunar month of lunar year `year`."""
    return lunar_to_solar(year, 1, 1)


def hung_kings_day(year: int) -> dt.date:
    """Giỗ Tổ Hùng Vương: the 10th day of the (non-leap) 3rd lunar month (Labour Code 2019 art. 112.1.đ)."""
    return lunar_to_solar(year, 3, 10)
