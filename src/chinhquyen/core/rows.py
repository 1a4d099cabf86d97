"""One plain INSERT for rows written while a contended lock is held.

A registration holds its register's counter row and the audit chain head from the moment it takes
its number until it commits (`documents.numbering`, `core.audit`); every other registration waits
for them. `Model.save()` costs several times the statement it sends (signals, field pre-save,
query compilation), and that cost is paid inside the lock by everyone waiting (W3 of
BENCHMARKS.md). These rows go in with one statement built once per model.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model

_SQL: dict[tuple[type[Model], str], tuple[str, list[Any]]] = {}


def _statement(model: type[Model]) -> tuple[str, list[Any]]:
    key = (model, connection.vendor)
    if key not in _SQL:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        _SQL[key] = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {quote(meta.pk.column)}",  # noqa: S608 - names from the model
            fields,
        )
    return _SQL[key]


def insert_statement(instance: Model) -> tuple[str, list[Any]]:
    """The plain `INSERT … RETURNING <key>` of a new `instance` and its parameters, for a caller
    that sends it inside a larger statement (a PostgreSQL writable CTE)."""
    if instance.pk is not None:
        raise ValueError("insert_row inserts new rows only")
    sql, fields = _statement(type(instance))
    return sql, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def insert_row(instance: Model) -> Model:
    """INSERT `instance` (its primary key given by the database) and set its key.

    No signal is sent: use it only for rows no receiver needs to see (the caller says why)."""
    sql, values = insert_statement(instance)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def chain_head_update(model: type[Model]) -> str:
    """The statement that moves a hash chain's head (`locked_chain_head`) to a new (sequence, hash)."""
    return f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET last_sequence = %s, last_hash = %s WHERE id = 1"  # noqa: S608 - names from the model


def locked_chain_head(model: type[Model], genesis: str) -> tuple[int, str]:
    """(last sequence, last hash) of a hash chain's one head row (`id` = 1, fields `last_sequence`
    and `last_hash`: the audit trail, the hub's evidence log), the row locked until commit
    (`SELECT … FOR UPDATE`; SQLite's IMMEDIATE transactions already serialise writers); created at
    the chain's first entry. One plain statement: every state change passes here while holding
    its other locks (W3), and the ORM's query building cost more than the statement."""
    table = connection.ops.quote_name(model._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    read = f"SELECT last_sequence, last_hash FROM {table} WHERE id = 1{lock}"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        cursor.execute(read)
        row = cursor.fetchone()
        if row is None:
            model.objects.get_or_create(pk=1, defaults={"last_sequence": 0, "last_hash": genesis})  # type: ignore[attr-defined]
            cursor.execute(read)
            row = cursor.fetchone()
    return int(row[0]), row[1]
