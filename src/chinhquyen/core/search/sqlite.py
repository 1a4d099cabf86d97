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


#: How much of the attachment text (column D) the ranking reads per candidate.
RANK_D_CHARS = 2000
_K1, _B = 1.2, 0.75


def _tokens(text: str | None) -> list[str]:
    return (text or "").split()


def rows_avg(rows: Sequence[Sequence[Any]]) -> float:
    """The mean length in words of the candidates (bm25's average document length, over the window)."""
    if not rows:
        return 1.0
    return max(1.0, sum(sum(len(_tokens(c)) for c in r[1:]) for r in rows) / len(rows))


def _count(tokens: list[str], part: tuple[str, ...], prefix: bool) -> int:
    if prefix:
        return sum(1 for t in tokens if t.startswith(part[0]))
    if len(part) == 1:
        return tokens.count(part[0])
    n = len(part)
    return sum(1 for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) == part)


def window_bm25(query: ParsedQuery, columns: Sequence[str | None], avg_len: float) -> float:
    """bm25 of one candidate over the ranked window (higher is better): for each clause of the
    query, its occurrences weighted by column (`BM25_WEIGHTS`), saturated and normalised by the
    candidate's length as FTS5's bm25 does. Every candidate matches every clause (the query is an
    AND), so the clauses' IDF is the same for all of them and is left out."""
    tokens = [_tokens(c) for c in columns]
    length = sum(len(t) for t in tokens)
    norm = _K1 * (1 - _B + _B * length / avg_len)
    parts: list[tuple[tuple[str, ...], bool]] = [((t,), False) for t in query.terms]
    parts += [(tuple(p), False) for p in query.phrases]
    if query.prefix:
        parts.append(((query.prefix,), True))
    score = 0.0
    for part, prefix in parts:
        tf = sum(w * _count(t, part, prefix) for w, t in zip(BM25_WEIGHTS, tokens, strict=False))
        score += tf * (_K1 + 1) / (tf + norm) if tf else 0.0
    return score


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
            # The newest `rank_candidates` matches, with their indexed words, ranked here (window_bm25):
            # FTS5's own bm25() first counts the rows of the whole table that match each phrase (its
            # IDF), which for a common phrase ("ủy ban nhân dân") costs what every match costs —
            # 0.5–1 s at 500,000 entries (docs/performance.md, W4).
            text, params = self._matching(
                query, constraints, f"{sql.FTS}.rowid, {sql.FTS}.a, {sql.FTS}.b, {sql.FTS}.c, substr({sql.FTS}.d, 1, {RANK_D_CHARS})"
            )
            cursor.execute(text + f" ORDER BY {sql.FTS}.rowid DESC LIMIT %s", [*params, self.rank_candidates])
            rows = cursor.fetchall()
        avg_len = rows_avg(rows)
        ranked = sorted(((window_bm25(query, r[1:], avg_len), int(r[0])) for r in rows), key=lambda t: (-t[0], -t[1]))
        start = after or 0
        return [Candidate(key, score) for score, key in ranked[start : start + limit]]

    def count(self, query: ParsedQuery, constraints: Constraints, *, cap: int) -> int:
        text, params = self._matching(query, constraints, "1")
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({text} LIMIT %s)", [*params, cap])  # noqa: S608 - built above
            return int(cursor.fetchone()[0])
