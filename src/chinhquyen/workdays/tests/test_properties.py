"""Properties of the arithmetic (hypothesis), and agreement with the day-by-day reference."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chinhquyen.workdays.engine import US_PER_DAY, WorkingCalendar, working_calendar
from chinhquyen.workdays.reference import NaiveCalendar

from .conftest import TZ

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

instants = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31, 23, 59)).map(lambda d: d.replace(tzinfo=TZ))
minute_instants = instants.map(lambda d: d.replace(second=0, microsecond=0))
amounts = st.integers(min_value=0, max_value=60 * 8 * 60)  # up to 60 working days, in minutes
cutoffs = st.none() | st.times(min_value=dt.time(7), max_value=dt.time(17, 30)).map(lambda t: t.replace(second=0, microsecond=0))
pauses = st.lists(
    st.tuples(minute_instants, st.integers(min_value=1, max_value=10 * 24 * 60)).map(lambda p: (p[0], p[0] + dt.timedelta(minutes=p[1]))),
    max_size=3,
)


def _calendar() -> WorkingCalendar:
    return working_calendar()


def _reference(calendar: WorkingCalendar) -> NaiveCalendar:
    kinds = {dt.date.fromordinal(o): kind for year in range(2023, 2029) for o, kind in calendar.data.kinds(year).items()}
    return NaiveCalendar(kinds, calendar.hours, TZ)


def _inside_or_at_closing(calendar: WorkingCalendar, value: dt.datetime) -> bool:
    local = value.astimezone(TZ)
    if not calendar.is_working_day(local.date()):
        return False
    m = (local - local.replace(hour=0, minute=0, second=0, microsecond=0)) // dt.timedelta(microseconds=1)
    return any(start <= m <= end for start, end in calendar.hours.periods) and m < US_PER_DAY


@SETTINGS
@given(start=instants, minutes=amounts, cutoff=cutoffs, stops=pauses)
def test_the_engine_agrees_with_the_day_by_day_reference(start, minutes, cutoff, stops) -> None:  # type: ignore[no-untyped-def]
    calendar = _calendar()
    expected = _reference(calendar).add(start, dt.timedelta(minutes=minutes), cutoff=cutoff, pauses=stops)
    assert calendar.add(start, minutes=minutes, cutoff=cutoff, pauses=stops) == expected


@SETTINGS
@given(start=instants, n=amounts, m=st.integers(min_value=1, max_value=30 * 8 * 60))
def test_adding_n_then_m_equals_adding_n_plus_m_from_a_working_instant(start, n, m) -> None:  # type: ignore[no-untyped-def]
    calendar = _calendar()
    working_instant = calendar.add(start, minutes=0)
    assert calendar.add(calendar.add(working_instant, minutes=n), minutes=m) == calendar.add(working_instant, minutes=n + m)


@SETTINGS
@given(start=instants, minutes=amounts, cutoff=cutoffs, stops=pauses)
def test_a_result_is_inside_working_hours_or_exactly_at_a_closing_time(start, minutes, cutoff, stops) -> None:  # type: ignore[no-untyped-def]
    calendar = _calendar()
    assert _inside_or_at_closing(calendar, calendar.add(start, minutes=minutes, cutoff=cutoff, pauses=stops))


@SETTINGS
@given(a=instants, b=instants, minutes=amounts, cutoff=cutoffs)
def test_later_starts_never_give_earlier_results(a, b, minutes, cutoff) -> None:  # type: ignore[no-untyped-def]
    calendar = _calendar()
    early, late = sorted([a, b])
    assert calendar.add(early, minutes=minutes, cutoff=cutoff) <= calendar.add(late, minutes=minutes, cutoff=cutoff)


@SETTINGS
@given(start=instants, minutes=amounts, stops=pauses)
def test_working_time_between_a_start_and_its_due_time_is_the_amount_added(start, minutes, stops) -> None:  # type: ignore[no-untyped-def]
    calendar = _calendar()
    working_instant = calendar.add(start, minutes=0)
    due = calendar.add(working_instant, minutes=minutes, pauses=stops)
    assert calendar.between(working_instant, due, pauses=stops) == dt.timedelta(minutes=minutes)
