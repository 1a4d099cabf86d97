"""SQL shared by both engines: the entry and tag tables, and the constraints as a WHERE clause.

Tables (created by core migration 0004, on each vendor):

- `core_search_entry`: one row per entry; `id` is the sort key (`date.toordinal() << 32 |
  serial`), `(kind, object_id)` is unique; the filter columns, the title and the original texts
  (`content`, JSON `{field: [text, weight]}`) for snippets; `generation` (last reindex that wrote
  it). PostgreSQL adds `tsv` (tsvector over the folded words, weighted, GIN-indexed).
- `core_search_tag(tag, entry_id)`: filter tags (`name=value`) and access grants (`@key`).
- SQLite: `core_search_fts`, an FTS5 table (a, b, c, d = weights A–D) whose rowid is the entry id.
- PostgreSQL: `core_search_word`, the words of weight A and B fields, trigram-indexed (typos).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chinhquyen.core.search.base import Constraints

ENTRY = "core_search_entry"
TAG = "core_search_tag"
FTS = "core_search_fts"
WORD = "core_search_word"

SERIAL_BITS = 32
SERIAL_MASK = (1 << SERIAL_BITS) - 1
#: Entries without a date sort as the oldest.
NO_DATE_ORDINAL = 1


def day_of(date: dt.date | None) -> int:
    return date.toordinal() if date else NO_DATE_ORDINAL


def key_range(date_from: dt.date | None, date_to: dt.date | None) -> tuple[int | None, int | None]:
    """The sort-key range of a date range (both ends included)."""
    low = date_from.toordinal() << SERIAL_BITS if date_from else None
    high = (date_to.toordinal() << SERIAL_BITS) | SERIAL_MASK if date_to else None
    return low, high


def grant_tag(grant: str) -> str:
    return f"@{grant}"[:200]


def _in(column: str, values: tuple[Any, ...] | list[Any], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def where(constraints: Constraints, *, key: str = "e.id", alias: str = "e") -> tuple[str, list[Any]]:
    """The constraints as one SQL condition on entry `alias` (its sort key readable as `key`).

    Access comes first and is never optional: an `Access` that names no agency and no grant sees
    nothing (`1 = 0`), not everything.
    """
    parts: list[str] = []
    params: list[Any] = []
    access = constraints.access
    if not access.everything:
        visible: list[str] = []
        if access.agency_ids:
            agencies = _in(f"{alias}.agency_id", sorted(access.agency_ids), params)
            params.append(int(access.max_secrecy))
            visible.append(f"({agencies} AND {alias}.secrecy <= %s)")
        if access.grants:
            granted = _in("g.tag", sorted(grant_tag(g) for g in access.grants), params)
            visible.append(f"EXISTS (SELECT 1 FROM {TAG} g WHERE g.entry_id = {alias}.id AND {granted})")  # noqa: S608 - constants and placeholders
        parts.append("(" + " OR ".join(visible) + ")" if visible else "1 = 0")
    if constraints.kinds:
        parts.append(_in(f"{alias}.kind", list(constraints.kinds), params))
    if constraints.agency_ids:
        parts.append(_in(f"{alias}.agency_id", list(constraints.agency_ids), params))
    if constraints.doc_types:
        parts.append(_in(f"{alias}.doc_type", list(constraints.doc_types), params))
    if constraints.secrecy:
        parts.append(_in(f"{alias}.secrecy", list(constraints.secrecy), params))
    for i, group in enumerate(constraints.tags):
        cond = _in(f"t{i}.tag", list(group), params)
        parts.append(f"EXISTS (SELECT 1 FROM {TAG} t{i} WHERE t{i}.entry_id = {alias}.id AND {cond})")  # noqa: S608 - constants and placeholders
    low, high = key_range(constraints.date_from, constraints.date_to)
    if low is not None:
        parts.append(f"{key} >= %s")
        params.append(low)
    if high is not None:
        parts.append(f"{key} <= %s")
        params.append(high)
    return (" AND ".join(parts) or "1 = 1"), params
