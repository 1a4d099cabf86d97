from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chinhquyen.workdays import engine, services

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A local instant in Asia/Ho_Chi_Minh."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def shipped_calendars(db: None) -> None:
    """The shipped 2024–2026 calendars, whatever an earlier transactional test flushed."""
    services.load_shipped_calendars()
    engine.invalidate_cache()
