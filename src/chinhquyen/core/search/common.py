"""What both engines do the same way: keys, the entry and tag rows, loading a page of rows."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from chinhquyen.core.search import sql
from chinhquyen.core.search.base import WEIGHTS, IndexEntry, SearchEngine, Weight
from chinhquyen.core.search.query import index_text

#: Original text kept per field for snippets (the folded words are indexed in full, up to
#: `max_index_chars`).
MAX_STORED_CHARS = 20_000


class TableEngine(SearchEngine):
    """An engine over `core_search_entry` + `core_search_tag` plus its own full-text structure."""

    max_index_chars = 500_000

    def weighted_texts(self, entry: IndexEntry) -> dict[Weight, str]:
        """The folded words of each weight class (`query.index_text`), fields joined by a space."""
        grouped: dict[Weight, list[str]] = {w: [] for w in WEIGHTS}
        for text, weight in entry.fields.values():
            grouped[weight].append(index_text(text))
        out: dict[Weight, str] = {}
        for weight, texts in grouped.items():
            joined = " ".join(t for t in texts if t)
            if len(joined) > self.max_index_chars:
                joined = joined[: self.max_index_chars].rsplit(" ", 1)[0]
            out[weight] = joined
        return out

    @staticmethod
    def content_json(entry: IndexEntry) -> str:
        return json.dumps({name: [text[:MAX_STORED_CHARS], weight] for name, (text, weight) in entry.fields.items()}, ensure_ascii=False)

    # --- keys ----------------------------------------------------------------------------------

    def next_serials(self, cursor: Any, day: int, count: int) -> list[int]:
        raise NotImplementedError

    def existing(self, cursor: Any, entries: Sequence[IndexEntry]) -> dict[tuple[str, int], int]:
        by_kind: dict[str, list[int]] = defaultdict(list)
        for entry in entries:
            by_kind[entry.kind].append(entry.object_id)
        found: dict[tuple[str, int], int] = {}
        for kind, ids in by_kind.items():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"SELECT id, object_id FROM {sql.ENTRY} WHERE kind = %s AND object_id IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608 - placeholders only
                    [kind, *chunk],
                )
                for key, object_id in cursor.fetchall():
                    found[(kind, int(object_id))] = int(key)
        return found

    def assign_keys(self, cursor: Any, entries: Sequence[IndexEntry], existing: dict[tuple[str, int], int]) -> list[int]:
        """Keep an entry's key when its date did not change (stable order), else give it a new one."""
        keys: list[int | None] = []
        wanted: dict[int, int] = defaultdict(int)
        for entry in entries:
            day = sql.day_of(entry.date)
            old = existing.get((entry.kind, entry.object_id))
            if old is not None and old >> sql.SERIAL_BITS == day:
                keys.append(old)
            else:
                keys.append(None)
                wanted[day] += 1
        fresh = {day: iter(self.next_serials(cursor, day, n)) for day, n in wanted.items()}
        return [
            k if k is not None else (sql.day_of(e.date) << sql.SERIAL_BITS) | next(fresh[sql.day_of(e.date)])
            for k, e in zip(keys, entries, strict=True)
        ]

    # --- writes --------------------------------------------------------------------------------

    def delete_keys(self, cursor: Any, keys: Sequence[int]) -> None:
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {sql.TAG} WHERE entry_id IN ({marks})", chunk)  # noqa: S608 - placeholders only
            cursor.execute(f"DELETE FROM {sql.ENTRY} WHERE id IN ({marks})", chunk)  # noqa: S608 - placeholders only
            self.delete_text(cursor, chunk)

    def delete_text(self, cursor: Any, keys: list[int]) -> None:
        """Remove the full-text rows of `keys` (SQLite's FTS table; PostgreSQL keeps them in the entry)."""

    def write_tags(self, cursor: Any, entries: Sequence[IndexEntry], keys: Sequence[int]) -> None:
        rows = [
            (tag, key)
            for entry, key in zip(entries, keys, strict=True)
            for tag in sorted(entry.tags | {sql.grant_tag(g) for g in entry.grants})
        ]
        # One multi-row INSERT per 500 tags: a document has 5–15 of them, and one statement instead
        # of one per tag is what a registration (W3) can save on the way to its number.
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {sql.TAG} (tag, entry_id) VALUES {values}", [v for row in chunk for v in row])  # noqa: S608 - placeholders only

    def upsert(self, entries: Sequence[IndexEntry], *, generation: int = 0, new: bool = False) -> None:
        if not entries:
            return
        # The last entry wins when the same object comes twice in one batch.
        unique = list({(e.kind, e.object_id): e for e in entries}.values())
        with self.connection.cursor() as cursor:
            existing = {} if new else self.existing(cursor, unique)
            if existing:
                self.delete_keys(cursor, list(existing.values()))
            keys = self.assign_keys(cursor, unique, existing)
            self.insert(cursor, unique, keys, generation)
            self.write_tags(cursor, unique, keys)

    def insert(self, cursor: Any, entries: Sequence[IndexEntry], keys: Sequence[int], generation: int) -> None:
        raise NotImplementedError

    def delete(self, kind: str, object_ids: Iterable[int]) -> None:
        ids = [int(i) for i in object_ids]
        if not ids:
            return
        with self.connection.cursor() as cursor:
            found = self.existing(cursor, [IndexEntry(kind=kind, object_id=i, agency_id=None, title="", fields={}) for i in ids])
            if found:
                self.delete_keys(cursor, list(found.values()))

    def delete_stale(self, kind: str, before_generation: int) -> int:
        removed = 0
        with self.connection.cursor() as cursor:
            while True:
                cursor.execute(f"SELECT id FROM {sql.ENTRY} WHERE kind = %s AND generation < %s LIMIT 500", [kind, before_generation])  # noqa: S608 - table name constant
                keys = [int(r[0]) for r in cursor.fetchall()]
                if not keys:
                    return removed
                self.delete_keys(cursor, keys)
                removed += len(keys)

    # --- reads ---------------------------------------------------------------------------------

    def rows(self, keys: Sequence[int]) -> dict[int, dict[str, Any]]:
        if not keys:
            return {}
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, kind, object_id, agency_id, title, doc_date, doc_type, content FROM {sql.ENTRY} WHERE id IN ({', '.join(['%s'] * len(keys))})",  # noqa: S608 - placeholders only
                list(keys),
            )
            out: dict[int, dict[str, Any]] = {}
            for key, kind, object_id, agency_id, title, _doc_date, doc_type, content in cursor.fetchall():
                out[int(key)] = {
                    "kind": kind,
                    "object_id": int(object_id),
                    "agency_id": agency_id,
                    "title": title,
                    "date": None
                    if int(key) >> sql.SERIAL_BITS == sql.NO_DATE_ORDINAL
                    else dt.date.fromordinal(int(key) >> sql.SERIAL_BITS),
                    "doc_type": doc_type,
                    "content": json.loads(content) if content else {},
                }
            return out
