"""Number series: no gap, no duplicate, restart on 1 January (Decree 30/2020 art. 15, 22.2; ADR 0006).

`take_number(register, at)` runs inside the registering (or issuing) transaction:

1. the first time in a year, create the year's counter row (`INSERT … ON CONFLICT DO NOTHING`
   on PostgreSQL, `INSERT OR IGNORE` on SQLite), so two first registrations do not collide;
2. add one and read it back in one statement (`UPDATE … RETURNING`), which locks the row
   (SQLite's IMMEDIATE transactions already hold the database's write lock from BEGIN).

The lock is held until the transaction ends. If it rolls back, the increment rolls back with
it and the number is given again: no gap. Two transactions never hold it at once: no duplicate.
The year is the year of the registration instant in Vietnam time (UTC+7).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from chinhquyen.documents.models import NumberCounter, Register

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def year_of(at: dt.datetime) -> int:
    """The numbering year of an instant: its calendar year in Vietnam time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=VIETNAM)
    return at.astimezone(VIETNAM).year


def take_number(register: Register, at: dt.datetime) -> tuple[int, int]:
    """The next number of `register` for the year of `at`: (year, number). Inside a transaction only.

    One statement in the usual case: `UPDATE … SET last_number = last_number + 1 … RETURNING`
    locks the year's counter row until the transaction ends (PostgreSQL; SQLite's IMMEDIATE
    transaction already holds the write lock). The first number of a year creates the row
    (`INSERT … ON CONFLICT DO NOTHING`, so two first registrations do not collide) and updates
    it. Callers take the number as late as they can: the lock is held until commit (W3).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the registering transaction")
    year = year_of(at)
    number = _increment(register.pk, year)
    if number is None:
        NumberCounter.objects.bulk_create([NumberCounter(register=register, year=year, last_number=0)], ignore_conflicts=True)
        number = _increment(register.pk, year)
    if number is None:  # pragma: no cover - the row was just created or already there
        raise RuntimeError(f"no number counter for register {register.pk}, {year}")
    return year, number


def take_number_into(register: Register, at: dt.datetime, model: Any, pk: int, *, number_field: str, year_field: str) -> tuple[int, int]:
    """`take_number`, and the number and year written on row `pk` of `model` (a saved document).

    On PostgreSQL one statement does both (a writable CTE: the counter's `UPDATE … RETURNING`
    feeding the document's `UPDATE`), one round trip fewer while the counter row is locked (W3);
    elsewhere the number is taken, then written."""
    meta = model._meta
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.pk.column)
    number_column, year_column = quote(meta.get_field(number_field).column), quote(meta.get_field(year_field).column)
    write = f"UPDATE {table} SET {year_column} = %s, {number_column} = %s WHERE {key} = %s"  # noqa: S608 - names from the model
    if connection.vendor != "postgresql":
        year, number = take_number(register, at)
        with connection.cursor() as cursor:
            cursor.execute(write, [year, number, pk])
        return year, number
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the registering transaction")
    year = year_of(at)
    counter = NumberCounter._meta
    table_c, last = quote(counter.db_table), quote(counter.get_field("last_number").column)
    statement = (
        f"WITH n AS (UPDATE {table_c} SET {last} = {last} + 1 WHERE {quote(counter.get_field('register').column)} = %s"  # noqa: S608 - names from the models
        f" AND {quote(counter.get_field('year').column)} = %s RETURNING {last}) "
        f"UPDATE {table} SET {year_column} = %s, {number_column} = n.{last} FROM n WHERE {table}.{key} = %s RETURNING n.{last}"
    )
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(statement, [register.pk, year, year, pk])
            row = cursor.fetchone()
        if row is not None:
            return year, int(row[0])
        # The year's first number: create its counter (as `take_number` does), then again.
        NumberCounter.objects.bulk_create([NumberCounter(register=register, year=year, last_number=0)], ignore_conflicts=True)
    raise RuntimeError(f"no number counter for register {register.pk}, {year}, or no row {pk}")  # pragma: no cover


def _increment(register_id: int, year: int) -> int | None:
    meta = NumberCounter._meta
    quote = connection.ops.quote_name
    table, last = quote(meta.db_table), quote(meta.get_field("last_number").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {quote(meta.get_field('register').column)} = %s"  # noqa: S608 - names from the model
            f" AND {quote(meta.get_field('year').column)} = %s RETURNING {last}",
            [register_id, year],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def peek_next(register: Register, year: int) -> int:
    """The number the next registration would get (for display; not reserved)."""
    last = NumberCounter.objects.filter(register=register, year=year).values_list("last_number", flat=True).first()
    return (last or 0) + 1
