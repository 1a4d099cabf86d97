"""Named locks held until the end of the current transaction.

PostgreSQL: a transaction-level advisory lock on a hash of the name. SQLite: nothing to do,
because IMMEDIATE transactions already let one writer in at a time (settings).
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction


def lock_for_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_for_transaction must run inside a transaction")
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
