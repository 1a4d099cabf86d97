"""The SQLite engine: an FTS5 table fed folded words, keyed by the entry's sort key.

`core_search_fts(a, b, c, d)` uses `unicode61 remove_diacritics 2`, but it only ever receives
text already folded by `core.folding.fold` (FTS5 does not fold đ — DESIGN.md). Its rowid is the
entry's sort key, so `ORDER BY rowid DESC LIMIT n` streams the doclists newest first and stops
after n visible matches: a very common word costs what a page costs. The entry table is joined
with `CROSS JOIN` so SQLite keeps the FTS table as the outer loop (its planner may not reorder a
CROSS JOIN), and the constraints are checked per candidate through the entry's primary key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from chinhquyen.core.search import sql
from chinhquyen.core.search.base import Candidate, Constraints, IndexEntry
from chinhquyen.core.search.common import TableEngine
from chinhquyen.core.search.query import ParsedQuery

#: bm25 column weights for A, B, C, D.
BM25_WEIGHTS = (10.0, 4.0, 2.0, 1.0)


def match_expression(query: ParsedQuery) -> str:
    """The FTS5 MATCH string: every word quoted (words are letters and digits only), ANDed."""
    parts = [f'"{t}"' for t in query.terms]
    parts += ['"' + " ".join(p) + '"' for p in query.phrases]
    if query.prefix:
        parts.append(f'"{query.prefix}"*')
    return " AND ".join(parts)


class SqliteEngine(TableEngine):
    vendor = "sqlite"

    def next_serials(self, cursor: Any, day: int, count: int) -> list[int]:
        # Writers are serialised on SQLite (IMMEDIATE transactions), so max + 1 is safe.
        low = day << sql.SERIAL_BITS
        cursor.execute(f"SELECT max(id) FROM {sql.ENTRY} WHERE id BETWEEN %s AND %s", [low, low | sql.SERIAL_MASK])  # noqa: S608 - table name constant
        top = cursor.fetchone()[0]
        start = (int(top) & sql.SERIAL_MASK) + 1 if top is not None else 1
        if start + count > sql.SERIAL_MASK:
            raise OverflowError("more than 2**32 search entries on one day")
        return list(range(start, start + count))

    def insert(self, cursor: Any, entries: Sequence[IndexEntry], keys: Sequence[int], generation: int) -> None:
        cursor.executemany(
            f"INSERT INTO {sql.ENTRY} (id, kind, object_id, agency_id, secrecy, doc_type, doc_date, title, content, generation) "  # noqa: S608 - table name constant
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    key,
                    e.kind,
                    e.object_id,
                    e.agency_id,
                    e.secrecy,
                    e.doc_type,
                    e.date.isoformat() if e.date else None,
                    e.title[:1000],
                    self.content_json(e),
                    generation,
                )
                for e, key in zip(entries, keys, strict=True)
            ],
        )
        rows = []
        for e, key in zip(entries, keys, strict=True):
            texts = self.weighted_texts(e)
            rows.append((key, texts["A"], texts["B"], texts["C"], texts["D"]))
        cursor.executemany(f"INSERT INTO {sql.FTS} (rowid, a, b, c, d) VALUES (%s, %s, %s, %s, %s)", rows)  # noqa: S608 - table name constant

    def delete_text(self, cursor: Any, keys: list[int]) -> None:
        cursor.execute(f"DELETE FROM {sql.FTS} WHERE rowid IN ({', '.join(['%s'] * len(keys))})", keys)  # noqa: S608 - placeholders only

    def _matching(self, query: ParsedQuery, constraints: Constraints, select: str) -> tuple[str, list[Any]]:
        cond, params = sql.where(constraints, key=f"{sql.FTS}.rowid")
        text = (
            f"SELECT {select} FROM {sql.FTS} CROSS JOIN {sql.ENTRY} e ON e.id = {sql.FTS}.rowid "  # noqa: S608 - constant names and placeholders
            f"WHERE {sql.FTS} MATCH %s AND {cond}"
        )
        return text, [match_expression(query), *params]

    def candidates(
        self,
        query: ParsedQuery,
        constraints: Constraints,
        *,
        order: Literal["newest", "relevance"],
        limit: int,
        after: int | None = None,
    ) -> list[Candidate]:
        with self.connection.cursor() as cursor:
            if order == "newest":
                text, params = self._matching(query, constraints, f"{sql.FTS}.rowid")
                if after is not None:
                    text += f" AND {sql.FTS}.rowid < %s"
                    params.append(after)
                cursor.execute(text + f" ORDER BY {sql.FTS}.rowid DESC LIMIT %s", [*params, limit])
                return [Candidate(int(r[0])) for r in cursor.fetchall()]
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            text, params = self._matching(query, constraints, f"{sql.FTS}.rowid AS id, bm25({sql.FTS}, {weights}) AS score")
            cursor.execute(
                f"SELECT id, score FROM ({text} ORDER BY {sql.FTS}.rowid DESC LIMIT %s) ORDER BY score ASC, id DESC LIMIT %s OFFSET %s",  # noqa: S608 - built above
                [*params, self.rank_candidates, limit, after or 0],
            )
            # bm25 is lower-is-better and negative; the contract says higher is better.
            return [Candidate(int(r[0]), -float(r[1])) for r in cursor.fetchall()]

    def count(self, query: ParsedQuery, constraints: Constraints, *, cap: int) -> int:
        text, params = self._matching(query, constraints, "1")
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({text} LIMIT %s)", [*params, cap])  # noqa: S608 - built above
            return int(cursor.fetchone()[0])
