"""Number series: no gap, no duplicate, restart on 1 January (Decree 30/2020 art. 15, 22.2; ADR 0006).

`take_number(register, at)` runs inside the registering (or issuing) transaction:

1. make sure the year's counter row exists (`INSERT … ON CONFLICT DO NOTHING` on PostgreSQL,
   `INSERT OR IGNORE` on SQLite), so two first registrations of a year do not collide;
2. lock it (`SELECT … FOR UPDATE`; SQLite's IMMEDIATE transactions already hold the database's
   write lock from BEGIN) and add one.

The lock is held until the transaction ends. If it rolls back, the increment rolls back with
it and the number is given again: no gap. Two transactions never hold it at once: no duplicate.
The year is the year of the registration instant in Vietnam time (UTC+7).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from chinhquyen.documents.models import NumberCounter, Register

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def year_of(at: dt.datetime) -> int:
    """The numbering year of an instant: its calendar year in Vietnam time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=VIETNAM)
    return at.astimezone(VIETNAM).year


def take_number(register: Register, at: dt.datetime) -> tuple[int, int]:
    """The next number of `register` for the year of `at`: (year, number). Inside a transaction only."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the registering transaction")
    year = year_of(at)
    NumberCounter.objects.bulk_create([NumberCounter(register=register, year=year, last_number=0)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(register=register, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return year, counter.last_number


def peek_next(register: Register, year: int) -> int:
    """The number the next registration would get (for display; not reserved)."""
    last = NumberCounter.objects.filter(register=register, year=year).values_list("last_number", flat=True).first()
    return (last or 0) + 1
