"""Working-time arithmetic with the default hours (Mon–Fri 07:30–11:30, 13:00–17:00)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from chinhquyen.core.errors import DomainError
from chinhquyen.workdays import services
from chinhquyen.workdays.engine import add_working_time, is_working_day, next_working_day, working_time_between

from .conftest import TZ, at

# 2–6 March 2026: an ordinary week.
MON, TUE, WED, THU, FRI, SAT, SUN = 2, 3, 4, 5, 6, 7, 8


def test_monday_10_plus_3_days_is_thursday_10() -> None:
    assert add_working_time(at(2026, 3, MON, 10), days=3) == at(2026, 3, THU, 10)


@pytest.mark.parametrize("hour", [0, 9, 23])
def test_saturday_anything_plus_1_day_is_monday_17(hour: int) -> None:
    assert add_working_time(at(2026, 3, SAT, hour), days=1) == at(2026, 3, 9, 17)
    assert add_working_time(at(2026, 3, SUN, hour), days=1) == at(2026, 3, 9, 17)


def test_monday_lunch_plus_1_day_is_tuesday_1130() -> None:
    assert add_working_time(at(2026, 3, MON, 12), days=1) == at(2026, 3, TUE, 11, 30)


def test_monday_16_plus_2_hours_is_tuesday_0830() -> None:
    assert add_working_time(at(2026, 3, MON, 16), hours=2) == at(2026, 3, TUE, 8, 30)


def test_a_result_at_the_start_of_lunch_is_1130_not_1300() -> None:
    assert add_working_time(at(2026, 3, MON, 7, 30), hours=4) == at(2026, 3, MON, 11, 30)


def test_a_result_at_closing_time_is_17_not_the_next_morning() -> None:
    assert add_working_time(at(2026, 3, MON, 7, 30), days=1) == at(2026, 3, MON, 17)
    assert add_working_time(at(2026, 3, MON, 13), hours=4) == at(2026, 3, MON, 17)


def test_a_start_at_closing_time_counts_from_the_next_opening() -> None:
    assert add_working_time(at(2026, 3, MON, 17), hours=1) == at(2026, 3, TUE, 8, 30)
    assert add_working_time(at(2026, 3, MON, 11, 30), hours=1) == at(2026, 3, MON, 14)


def test_a_start_before_opening_counts_from_opening() -> None:
    assert add_working_time(at(2026, 3, MON, 6), hours=1) == at(2026, 3, MON, 8, 30)


def test_days_and_hours_add_up() -> None:
    assert add_working_time(at(2026, 3, MON, 10), days=1, hours=2) == at(2026, 3, TUE, 13, 30)


def test_zero_from_a_rest_day_is_the_next_opening() -> None:
    assert add_working_time(at(2026, 3, SAT, 10), days=0) == at(2026, 3, 9, 7, 30)


def test_a_receipt_after_the_cutoff_counts_from_the_next_working_day() -> None:
    assert add_working_time(at(2026, 3, MON, 15, 30), days=1) == at(2026, 3, TUE, 15, 30)
    assert add_working_time(at(2026, 3, MON, 15, 30), days=1, cutoff=dt.time(15)) == at(2026, 3, TUE, 17)
    assert add_working_time(at(2026, 3, MON, 15), days=1, cutoff=dt.time(15)) == at(2026, 3, TUE, 17)
    assert add_working_time(at(2026, 3, MON, 14, 59), days=1, cutoff=dt.time(15)) == at(2026, 3, TUE, 14, 59)


def test_a_cutoff_on_friday_moves_the_start_over_the_weekend() -> None:
    assert add_working_time(at(2026, 3, FRI, 16), hours=1, cutoff=dt.time(15)) == at(2026, 3, 9, 8, 30)


def test_a_cutoff_before_tet_moves_the_start_after_tet() -> None:
    assert add_working_time(at(2026, 2, 13, 15, 10), days=0, cutoff=dt.time(15)) == at(2026, 2, 23, 7, 30)


def test_a_pause_stops_the_clock_for_the_working_time_it_covers() -> None:
    pause = (at(2026, 3, TUE, 10), at(2026, 3, WED, 10))  # one working day
    assert add_working_time(at(2026, 3, MON, 10), days=3, pauses=[pause]) == at(2026, 3, FRI, 10)


def test_a_pause_over_the_weekend_moves_nothing() -> None:
    pause = (at(2026, 3, FRI, 17), at(2026, 3, 9, 7, 30))
    assert add_working_time(at(2026, 3, THU, 10), days=2, pauses=[pause]) == at(2026, 3, 9, 10)


def test_overlapping_pauses_count_once_and_pauses_before_the_start_count_not_at_all() -> None:
    pauses = [
        (at(2026, 3, TUE, 10), at(2026, 3, TUE, 14)),
        (at(2026, 3, TUE, 13), at(2026, 3, WED, 10)),
        (at(2026, 2, 25), at(2026, 2, 27)),
    ]
    assert add_working_time(at(2026, 3, MON, 10), days=3, pauses=pauses) == at(2026, 3, FRI, 10)


def test_a_start_inside_a_pause_counts_from_its_end() -> None:
    pause = (at(2026, 3, MON, 8), at(2026, 3, MON, 14))
    assert add_working_time(at(2026, 3, MON, 10), hours=1, pauses=[pause]) == at(2026, 3, MON, 15)


def test_a_due_time_reached_just_as_a_pause_begins_is_that_instant() -> None:
    pause = (at(2026, 3, MON, 11), at(2026, 3, TUE, 11))
    assert add_working_time(at(2026, 3, MON, 10), hours=1, pauses=[pause]) == at(2026, 3, MON, 11)


def test_working_time_between_counts_only_working_hours() -> None:
    assert working_time_between(at(2026, 3, MON, 10), at(2026, 3, THU, 10)) == dt.timedelta(hours=24)
    assert working_time_between(at(2026, 3, FRI, 16), at(2026, 3, 9, 8)) == dt.timedelta(minutes=90)
    assert working_time_between(at(2026, 2, 13, 10), at(2026, 2, 23, 10)) == dt.timedelta(hours=8)


def test_working_time_between_is_negative_backwards_and_leaves_out_pauses() -> None:
    assert working_time_between(at(2026, 3, THU, 10), at(2026, 3, MON, 10)) == -dt.timedelta(hours=24)
    pause = (at(2026, 3, TUE, 7), at(2026, 3, TUE, 12))
    assert working_time_between(at(2026, 3, MON, 10), at(2026, 3, THU, 10), pauses=[pause]) == dt.timedelta(hours=20)


def test_working_time_between_spans_years() -> None:
    # 31/12/2025 13:00–17:00, then 1/1 and 2/1/2026 off, then Monday 5/1 07:30–08:30.
    assert working_time_between(at(2025, 12, 31, 13), at(2026, 1, 5, 8, 30)) == dt.timedelta(hours=5)


def test_next_working_day_skips_rest_days_and_finds_swapped_saturdays() -> None:
    assert next_working_day(dt.date(2026, 3, FRI)) == dt.date(2026, 3, 9)
    assert next_working_day(dt.date(2026, 1, 9)) == dt.date(2026, 1, 10)
    assert next_working_day(dt.date(2025, 12, 31)) == dt.date(2026, 1, 5)


def test_a_swap_workday_saturday_counts_and_a_swap_restday_weekday_does_not() -> None:
    services.set_day_kind(day=dt.date(2026, 3, SAT), kind="swap_workday", name="Làm bù")
    services.set_day_kind(day=dt.date(2026, 3, WED), kind="swap_restday", name="Nghỉ hoán đổi")
    assert is_working_day(dt.date(2026, 3, SAT)) and not is_working_day(dt.date(2026, 3, WED))
    assert add_working_time(at(2026, 3, TUE, 10), days=1) == at(2026, 3, THU, 10)
    assert add_working_time(at(2026, 3, FRI, 10), days=1) == at(2026, 3, SAT, 10)


def test_naive_input_is_local_time_and_other_offsets_are_converted() -> None:
    assert add_working_time(dt.datetime(2026, 2, 13, 10), days=1) == at(2026, 2, 23, 10)
    assert add_working_time(dt.datetime(2026, 2, 13, 3, tzinfo=dt.UTC), days=1) == at(2026, 2, 23, 10)
    assert add_working_time(at(2026, 2, 13, 10), days=1).utcoffset() == dt.timedelta(hours=7)


def test_an_agency_with_its_own_hours_counts_its_own_day(cast) -> None:  # type: ignore[no-untyped-def]
    services.set_working_hours(agency=cast.agency_a, weekdays=range(5), periods=[("08:00", "12:00"), ("13:30", "18:30")])
    assert add_working_time(at(2026, 3, MON, 12), hours=1, agency=cast.agency_a) == at(2026, 3, MON, 14, 30)
    assert add_working_time(at(2026, 3, MON, 8), days=1, agency=cast.agency_a) == at(2026, 3, MON, 18, 30)  # 9 h make one day
    assert add_working_time(at(2026, 3, MON, 12), hours=1, agency=cast.agency_b) == at(2026, 3, MON, 14)


def test_the_default_hours_can_be_changed_for_every_agency_without_its_own(cast) -> None:  # type: ignore[no-untyped-def]
    services.set_working_hours(agency=None, weekdays=range(5), periods=[("07:00", "11:00"), ("13:30", "17:30")])
    assert add_working_time(at(2026, 3, MON, 12), hours=1) == at(2026, 3, MON, 14, 30)
    assert add_working_time(at(2026, 3, MON, 12), hours=1, agency=cast.agency_b) == at(2026, 3, MON, 14, 30)


def test_working_hours_that_overlap_are_refused() -> None:
    with pytest.raises(DomainError) as refused:
        services.set_working_hours(weekdays=range(5), periods=[("07:30", "12:00"), ("11:00", "17:00")])
    assert refused.value.code == "workdays.hours_invalid"


def test_a_year_without_a_calendar_uses_the_rule_proposal_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="chinhquyen.workdays.engine"):
        # Tết 2027: mùng 1 is Saturday 6/2; the proposal gives 5/2–9/2 and compensation on 10/2 and 11/2.
        assert not is_working_day(dt.date(2027, 2, 8))
        assert not is_working_day(dt.date(2027, 2, 10))
        assert is_working_day(dt.date(2027, 2, 12))
    assert "no calendar for 2027" in caplog.text


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, "workdays.amount_missing"),
        ({"days": -1}, "workdays.amount_negative"),
        ({"hours": -0.5}, "workdays.amount_negative"),
        ({"days": 10**6}, "workdays.amount_too_large"),
    ],
)
def test_bad_amounts_are_refused(kwargs: dict[str, int], code: str) -> None:
    with pytest.raises(DomainError) as refused:
        add_working_time(at(2026, 3, MON, 10), **kwargs)  # type: ignore[arg-type]
    assert refused.value.code == code


def test_a_date_beyond_the_calendar_range_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        add_working_time(dt.datetime(2199, 12, 31, 10, tzinfo=TZ), days=5)
    assert refused.value.code == "workdays.out_of_range"
