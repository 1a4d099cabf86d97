"""Database triggers that make the audit table append-only.

Even the application's own database user cannot UPDATE or DELETE an audit row; only someone who
can drop the trigger (the database owner) can, and then `audit verify` shows it.
"""

from __future__ import annotations

from typing import Any

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS core_auditevent_no_update", "DROP TRIGGER IF EXISTS core_auditevent_no_delete"]

POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]


def set_guards(connection: Any, *, enabled: bool) -> None:
    """Create (or drop) the triggers on `connection`; idempotent."""
    if connection.vendor == "sqlite":
        statements = SQLITE_CREATE if enabled else SQLITE_DROP
    elif connection.vendor == "postgresql":
        statements = POSTGRES_CREATE if enabled else POSTGRES_DROP
    else:
        statements = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_guards(apps: Any, schema_editor: Any) -> None:
    set_guards(schema_editor.connection, enabled=True)


def drop_guards(apps: Any, schema_editor: Any) -> None:
    set_guards(schema_editor.connection, enabled=False)
