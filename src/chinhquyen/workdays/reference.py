"""A slow, plainly correct implementation of `add_working_time`: it walks day by day and period by
period. The tests use it as an oracle for the engine, and the benchmark as its baseline
(BENCHMARKS.md: a naive loop measured in the same run). Not for production use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from chinhquyen.workdays.engine import US_PER_SECOND, Hours
from chinhquyen.workdays.models import REST_KINDS, HolidayKind


class NaiveCalendar:
    def __init__(self, kinds: dict[dt.date, str], hours: Hours, tz: dt.tzinfo) -> None:
        self.kinds = kinds
        self.hours = hours
        self.tz = tz

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.kinds.get(day)
        if kind == HolidayKind.SWAP_WORKDAY:
            return True
        if kind in REST_KINDS:
            return False
        return day.weekday() in self.hours.weekdays

    def _local(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(self.tz) if value.tzinfo else value.replace(tzinfo=self.tz)

    def add(
        self,
        start: dt.datetime,
        amount: dt.timedelta,
        *,
        cutoff: dt.time | None = None,
        pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    ) -> dt.datetime:
        need = amount
        clock = self._local(start)
        stops = sorted((self._local(a), self._local(b)) for a, b in pauses)
        day = clock.date()
        if cutoff is not None and self.is_working_day(day) and clock.time() >= cutoff:
            day += dt.timedelta(days=1)
            clock = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
        while True:
            if self.is_working_day(day):
                midnight = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
                for start_us, end_us in self.hours.periods:
                    period_start = midnight + dt.timedelta(microseconds=start_us)
                    period_end = midnight + dt.timedelta(microseconds=end_us)
                    segments = [(max(period_start, clock), period_end)]
                    for stop_start, stop_end in stops:  # cut the pauses out of the period
                        cut = []
                        for a, b in segments:
                            if stop_end <= a or stop_start >= b:
                                cut.append((a, b))
                                continue
                            if a < stop_start:
                                cut.append((a, stop_start))
                            if stop_end < b:
                                cut.append((stop_end, b))
                        segments = cut
                    for a, b in segments:
                        if a >= b:
                            continue
                        if need <= b - a:
                            return a + need
                        need -= b - a
            day += dt.timedelta(days=1)
            clock = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)


def microseconds(delta: dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * US_PER_SECOND + delta.microseconds
