"""One plain statement for rows written on hot paths: built once per model (and field list).

A registration holds its register's counter row and the audit chain head from the moment it takes
its number until it commits (`documents.numbering`, `core.audit`); every other registration waits
for them. `Model.save()` costs several times the statement it sends (signals, field pre-save,
query compilation), and that cost is paid inside the lock by everyone waiting (W3 of
BENCHMARKS.md). The document exchange writes a dozen rows per package on each side and in the
hub (W5), where the same cost is most of the CPU a package takes.

These send no signal: use them only for rows no receiver needs to see (the caller says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin, Field

_M = TypeVar("_M", bound=Model)


def table(model: type[Model]) -> str:
    """`model`'s table name, quoted for the connection: for the plain statements of hot paths."""
    return connection.ops.quote_name(model._meta.db_table)


def for_update() -> str:
    """` FOR UPDATE` where the database locks rows that way (PostgreSQL); SQLite's IMMEDIATE
    transactions already serialise writers."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def mark_inserted(instance: Model, pk: Any) -> None:
    """Set what `save()` would on a row just inserted: its key, and that it is in the database."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias


_SQL: dict[tuple[type[Model], str], tuple[str, list[Any]]] = {}


def _statement(model: type[Model]) -> tuple[str, list[Any]]:
    key = (model, connection.vendor)
    if key not in _SQL:
        meta = model._meta
        # A key the database gives (an auto field) is left out; one the row brings (a hash, the
        # row it extends) goes in with the others.
        fields = [f for f in meta.concrete_fields if not (f.primary_key and _auto_key(model))]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        _SQL[key] = (
            f"INSERT INTO {table(model)} ({columns}) VALUES ({marks}) RETURNING {quote(meta.pk.column)}",  # noqa: S608 - names from the model
            fields,
        )
    return _SQL[key]


def _auto_key(model: type[Model]) -> bool:
    return isinstance(model._meta.pk, AutoFieldMixin)


def insert_statement(instance: Model) -> tuple[str, list[Any]]:
    """The plain `INSERT … RETURNING <key>` of a new `instance` and its parameters, for a caller
    that sends it inside a larger statement (a PostgreSQL writable CTE)."""
    if instance.pk is not None and _auto_key(type(instance)):
        raise ValueError("insert_row inserts new rows only")
    sql, fields = _statement(type(instance))
    return sql, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def insert_row(instance: _M) -> _M:
    """INSERT `instance` (its primary key given by the database) and set its key.

    No signal is sent: use it only for rows no receiver needs to see (the caller says why)."""
    sql, values = insert_statement(instance)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        mark_inserted(instance, cursor.fetchone()[0])
    return instance


def insert_ignoring(instance: Model, conflict_fields: Sequence[str]) -> bool:
    """INSERT `instance` unless a row with the same `conflict_fields` (a unique constraint of the
    model) exists: `INSERT … ON CONFLICT (…) DO NOTHING`, one statement instead of a look-up and a
    savepoint. True when inserted (its key then set)."""
    sql, values = insert_statement(instance)
    head, returning = sql.rsplit(" RETURNING ", 1)
    columns = ", ".join(connection.ops.quote_name(_column(type(instance), name)) for name in conflict_fields)
    sql = f"{head} ON CONFLICT ({columns}) DO NOTHING RETURNING {returning}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    mark_inserted(instance, row[0])
    return True


_UPDATE: dict[tuple[type[Model], tuple[str, ...], str], tuple[str, list[Field[Any, Any]]]] = {}


def _concrete(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def _column(model: type[Model], name: str) -> str:
    return str(_concrete(model, name).column)


def update_row(instance: Model, fields: Sequence[str]) -> int:
    """UPDATE the named `fields` of a saved `instance` from its attributes (what
    `save(update_fields=fields)` writes, `auto_now` fields included when named), in one statement
    built once per model and field list. Returns the number of rows changed (0 if it is gone)."""
    model = type(instance)
    key = (model, tuple(fields), connection.vendor)
    if key not in _UPDATE:
        meta = model._meta
        chosen = [_concrete(model, name) for name in fields]
        quote = connection.ops.quote_name
        sets = ", ".join(f"{quote(str(f.column))} = %s" for f in chosen)
        _UPDATE[key] = (f"UPDATE {table(model)} SET {sets} WHERE {quote(str(meta.pk.column))} = %s", chosen)  # type: ignore[union-attr]  # noqa: S608 - names from the model
    sql, chosen = _UPDATE[key]
    values = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in chosen]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, instance.pk])
        return int(cursor.rowcount)


def chain_head_update(model: type[Model]) -> str:
    """The statement that moves a hash chain's head (`locked_chain_head`) to a new (sequence, hash)."""
    return f"UPDATE {table(model)} SET last_sequence = %s, last_hash = %s WHERE id = 1"  # noqa: S608 - names from the model


def locked_chain_head(model: type[Model], genesis: str) -> tuple[int, str]:
    """(last sequence, last hash) of a hash chain's one head row (`id` = 1, fields `last_sequence`
    and `last_hash`: the audit trail, the hub's evidence log), the row locked until commit
    (`SELECT … FOR UPDATE`; SQLite's IMMEDIATE transactions already serialise writers); created at
    the chain's first entry. One plain statement: every state change passes here while holding
    its other locks (W3), and the ORM's query building cost more than the statement."""
    read = f"SELECT last_sequence, last_hash FROM {table(model)} WHERE id = 1{for_update()}"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        cursor.execute(read)
        row = cursor.fetchone()
        if row is None:
            model.objects.get_or_create(pk=1, defaults={"last_sequence": 0, "last_hash": genesis})  # type: ignore[attr-defined]
            cursor.execute(read)
            row = cursor.fetchone()
    return int(row[0]), row[1]
