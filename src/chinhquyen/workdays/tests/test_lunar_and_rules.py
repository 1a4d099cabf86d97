"""The Vietnamese lunar calendar (UTC+7) and the rule proposal (Labour Code 2019 art. 111.3, 112)."""

from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.workdays.lunar import hung_kings_day, lunar_new_year, lunar_to_solar, solar_to_lunar
from chinhquyen.workdays.models import HolidayKind
from chinhquyen.workdays.rules import propose_days


@pytest.mark.parametrize(
    ("year", "vietnam", "china"),
    [
        (1985, dt.date(1985, 1, 21), dt.date(1985, 2, 20)),
        (2007, dt.date(2007, 2, 17), dt.date(2007, 2, 18)),
        (1968, dt.date(1968, 1, 29), dt.date(1968, 1, 30)),
        (2030, dt.date(2030, 2, 2), dt.date(2030, 2, 3)),
    ],
)
def test_tet_follows_the_vietnamese_calendar_where_the_chinese_one_differs(year: int, vietnam: dt.date, china: dt.date) -> None:
    assert lunar_new_year(year) == vietnam
    proposal = {d.date: d for d in propose_days(year)}
    assert proposal[vietnam].kind == HolidayKind.HOLIDAY and "mùng 1" in proposal[vietnam].name
    assert not any("mùng 1" in d.name for day, d in proposal.items() if day == china)


def test_tet_1985_and_2007_are_proposed_as_five_days_around_mung_1() -> None:
    tet_1985 = [d.date for d in propose_days(1985) if d.name.startswith("Tết Nguyên đán")]
    assert tet_1985 == [dt.date(1985, 1, 20) + dt.timedelta(days=i) for i in range(5)]
    tet_2007 = [d.date for d in propose_days(2007) if d.name.startswith("Tết Nguyên đán")]
    assert tet_2007 == [dt.date(2007, 2, 16) + dt.timedelta(days=i) for i in range(5)]


def test_solar_and_lunar_conversions_are_inverse() -> None:
    assert solar_to_lunar(dt.date(2026, 2, 17)).month == 1 and solar_to_lunar(dt.date(2026, 2, 17)).day == 1
    assert lunar_to_solar(2026, 3, 10) == dt.date(2026, 4, 26)
    with pytest.raises(ValueError):
        lunar_to_solar(2026, 1, 1, leap=True)  # 2026 has no leap first month


@pytest.mark.parametrize(("year", "day"), [(2024, dt.date(2024, 4, 18)), (2025, dt.date(2025, 4, 7)), (2026, dt.date(2026, 4, 26))])
def test_hung_kings_day_is_the_10th_of_the_3rd_lunar_month(year: int, day: dt.date) -> None:
    assert hung_kings_day(year) == day


def test_the_2026_proposal_gives_giotohungvuong_a_monday_compensation() -> None:
    proposal = {d.date: d.kind for d in propose_days(2026)}
    assert proposal[dt.date(2026, 4, 26)] == HolidayKind.HOLIDAY
    assert proposal[dt.date(2026, 4, 27)] == HolidayKind.COMPENSATION
    assert proposal[dt.date(2026, 11, 24)] == HolidayKind.HOLIDAY


def test_the_proposal_adds_culture_day_only_from_2026() -> None:
    assert dt.date(2025, 11, 24) not in {d.date for d in propose_days(2025)}
    assert dt.date(2027, 11, 24) in {d.date for d in propose_days(2027)}


def test_a_weekend_holiday_is_compensated_on_the_next_free_weekday() -> None:
    # 2027: 30/4 is a Friday, 1/5 a Saturday → compensation Monday 3/5.
    proposal = {d.date: d.kind for d in propose_days(2027)}
    assert proposal[dt.date(2027, 5, 3)] == HolidayKind.COMPENSATION
    # 2028: 1/1 is a Saturday → compensation Monday 3/1.
    assert {d.date: d.kind for d in propose_days(2028)}[dt.date(2028, 1, 3)] == HolidayKind.COMPENSATION


def test_national_day_takes_3_september_when_2_september_is_a_monday() -> None:
    national = [d.date for d in propose_days(2024) if d.name == "Quốc khánh"]
    assert national == [dt.date(2024, 9, 2), dt.date(2024, 9, 3)]
    national = [d.date for d in propose_days(2026) if d.name == "Quốc khánh"]
    assert national == [dt.date(2026, 9, 1), dt.date(2026, 9, 2)]


def test_the_proposal_has_eleven_holidays_before_2026_and_twelve_from_2026() -> None:
    assert sum(d.kind == HolidayKind.HOLIDAY for d in propose_days(2025)) == 11
    assert sum(d.kind == HolidayKind.HOLIDAY for d in propose_days(2027)) == 12
