"""The shipped 2026 calendar (STANDARDS §13.3) as deadlines see it."""

from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.workdays.engine import add_working_time, is_working_day, next_working_day, previous_working_day, year_status
from chinhquyen.workdays.services import export_year

from .conftest import at


def test_the_2026_calendar_is_shipped_confirmed_with_its_notices() -> None:
    status = year_status(2026)
    assert status.confirmed and status.source == "notice"
    numbers = {n["number"] for n in export_year(year=2026)["notices"]}
    assert {"9441/TB-BNV", "12729/VPCP-KGVX", "3383/BNV-CVL", "28/2026/QH16"} <= numbers


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_each_shipped_year_is_confirmed(year: int) -> None:
    assert year_status(year).confirmed


def test_new_year_2026_gives_friday_off_and_saturday_10_january_worked() -> None:
    assert not is_working_day(dt.date(2026, 1, 1))
    assert not is_working_day(dt.date(2026, 1, 2))
    assert is_working_day(dt.date(2026, 1, 10))
    assert add_working_time(at(2025, 12, 31, 10), days=1) == at(2026, 1, 5, 10)
    assert add_working_time(at(2026, 1, 9, 10), days=1) == at(2026, 1, 10, 10)


def test_tet_2026_is_monday_16_to_friday_20_february() -> None:
    assert [is_working_day(dt.date(2026, 2, d)) for d in range(13, 24)] == [True] + [False] * 9 + [True]
    assert add_working_time(at(2026, 2, 13, 10), days=1) == at(2026, 2, 23, 10)
    assert next_working_day(dt.date(2026, 2, 13)) == dt.date(2026, 2, 23)
    assert previous_working_day(dt.date(2026, 2, 23)) == dt.date(2026, 2, 13)


def test_giotohungvuong_2026_gives_monday_compensation() -> None:
    assert not is_working_day(dt.date(2026, 4, 26))  # Sunday, 10/3 âm lịch
    assert not is_working_day(dt.date(2026, 4, 27))  # Labour Code art. 111.3
    assert add_working_time(at(2026, 4, 24, 10), days=1) == at(2026, 4, 28, 10)


def test_30_april_and_1_may_2026_are_off_without_a_swap() -> None:
    assert not is_working_day(dt.date(2026, 4, 30))
    assert not is_working_day(dt.date(2026, 5, 1))
    assert not is_working_day(dt.date(2026, 5, 2))  # an ordinary Saturday: no swap (CV 3383/BNV-CVL)
    assert add_working_time(at(2026, 4, 29, 10), days=1) == at(2026, 5, 4, 10)


def test_national_day_2026_is_1_and_2_september_with_monday_31_august_swapped_for_saturday_22_august() -> None:
    assert is_working_day(dt.date(2026, 8, 22))
    assert [is_working_day(dt.date(2026, 8, 31)), is_working_day(dt.date(2026, 9, 1)), is_working_day(dt.date(2026, 9, 2))] == [False] * 3
    assert add_working_time(at(2026, 8, 21, 10), days=1) == at(2026, 8, 22, 10)
    assert add_working_time(at(2026, 8, 28, 10), days=1) == at(2026, 9, 3, 10)


def test_vietnamese_culture_day_24_november_2026_is_off() -> None:
    assert not is_working_day(dt.date(2026, 11, 24))
    assert add_working_time(at(2026, 11, 23, 10), days=1) == at(2026, 11, 25, 10)


def test_2026_has_249_working_days() -> None:
    # 261 weekdays − 14 weekdays off (1/1, 2/1, Tết ×5, 27/4, 30/4, 1/5, 31/8, 1/9, 2/9, 24/11) + 2 swapped Saturdays.
    from chinhquyen.workdays.engine import working_calendar

    assert working_calendar().working_days(2026) == 249


def test_2024_and_2025_swaps_follow_their_notices() -> None:
    assert not is_working_day(dt.date(2024, 4, 29)) and is_working_day(dt.date(2024, 5, 4))
    assert not is_working_day(dt.date(2024, 2, 13)) and not is_working_day(dt.date(2024, 2, 14))  # Tết days on Sat/Sun made up
    assert not is_working_day(dt.date(2025, 5, 2)) and is_working_day(dt.date(2025, 4, 26))
    assert not is_working_day(dt.date(2025, 9, 1)) and is_working_day(dt.date(2025, 9, 3))
