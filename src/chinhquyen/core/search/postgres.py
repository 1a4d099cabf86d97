"""The PostgreSQL engine: a weighted tsvector of folded words in the entry row, GIN-indexed.

The text is folded and cut into words in Python (`query.words`), so the `simple` configuration
is enough and `unaccent` is not needed (DESIGN.md: it is not IMMUTABLE and `/` confuses the
parser — neither can happen to our words). `id` is the sort key: newest-first is a backward
walk of the primary key, which PostgreSQL chooses for a very common word (it stops after a page)
while a rare word goes through the GIN index and sorts its few matches. Ranking by relevance
ranks the newest `rank_candidates` matches only (ADR 0022).

Typos: the words of weight A and B fields go into `core_search_word`, trigram-indexed
(`pg_trgm`); when a search finds nothing, `suggest` proposes the closest indexed word for each
word that is not there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from chinhquyen.core.search import sql
from chinhquyen.core.search.base import Candidate, Constraints, IndexEntry
from chinhquyen.core.search.common import TableEngine
from chinhquyen.core.search.query import ParsedQuery

#: ts_rank_cd weights, in PostgreSQL's order {D, C, B, A}.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
#: A word must be at least this similar (pg_trgm) to be proposed for a typo.
SUGGEST_SIMILARITY = 0.45


def tsquery_text(query: ParsedQuery) -> str:
    """The `to_tsquery('simple', …)` text: words (letters and digits only) joined by & and <->."""
    parts = list(query.terms)
    parts += ["(" + " <-> ".join(p) + ")" for p in query.phrases]
    if query.prefix:
        parts.append(f"{query.prefix}:*")
    return " & ".join(parts)


_TSV = "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') || setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D')"


class PostgresEngine(TableEngine):
    vendor = "postgresql"
    #: A tsvector holds at most 1 MB; folded words of a long attachment are cut before that.
    max_index_chars = 400_000

    def next_serials(self, cursor: Any, day: int, count: int) -> list[int]:
        cursor.execute("SELECT nextval('core_search_serial') FROM generate_series(1, %s)", [count])
        return [int(r[0]) & sql.SERIAL_MASK for r in cursor.fetchall()]

    def insert(self, cursor: Any, entries: Sequence[IndexEntry], keys: Sequence[int], generation: int) -> None:
        rows = []
        vocabulary: set[str] = set()
        for e, key in zip(entries, keys, strict=True):
            texts = self.weighted_texts(e)
            rows.append(
                (
                    key,
                    e.kind,
                    e.object_id,
                    e.agency_id,
                    e.secrecy,
                    e.doc_type,
                    e.date,
                    e.title[:1000],
                    self.content_json(e),
                    generation,
                    texts["A"],
                    texts["B"],
                    texts["C"],
                    texts["D"],
                )
            )
            vocabulary.update(w for w in (texts["A"] + " " + texts["B"]).split() if 3 <= len(w) <= 40 and not w.isdigit())
        cursor.executemany(
            f"INSERT INTO {sql.ENTRY} (id, kind, object_id, agency_id, secrecy, doc_type, doc_date, title, content, generation, tsv) "  # noqa: S608 - constants
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, {_TSV})",
            rows,
        )
        if vocabulary:
            cursor.execute(f"INSERT INTO {sql.WORD} (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", [sorted(vocabulary)])

    def _matching(self, query: ParsedQuery, constraints: Constraints, select: str) -> tuple[str, list[Any]]:
        cond, params = sql.where(constraints)
        return (
            f"SELECT {select} FROM {sql.ENTRY} e WHERE e.tsv @@ to_tsquery('simple', %s) AND {cond}",  # noqa: S608 - constants and placeholders
            [tsquery_text(query), *params],
        )

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
                text, params = self._matching(query, constraints, "e.id")
                if after is not None:
                    text += " AND e.id < %s"
                    params.append(after)
                cursor.execute(text + " ORDER BY e.id DESC LIMIT %s", [*params, limit])
                return [Candidate(int(r[0])) for r in cursor.fetchall()]
            text, params = self._matching(query, constraints, "e.id, e.tsv")
            # `e.id + 0` cannot be read from the primary key: the newest candidates then come from
            # the GIN index (every match fetched, then the top ones by key) — see `_walk_is_cheaper`.
            key = "e.id" if self._walk_is_cheaper(cursor, query, constraints) else "e.id + 0"
            cursor.execute(
                f"SELECT c.id, ts_rank_cd('{RANK_WEIGHTS}', c.tsv, to_tsquery('simple', %s)) AS score "  # noqa: S608 - built above
                f"FROM ({text} ORDER BY {key} DESC LIMIT %s) c ORDER BY score DESC, c.id DESC LIMIT %s OFFSET %s",
                [tsquery_text(query), *params, self.rank_candidates, limit, after or 0],
            )
            return [Candidate(int(r[0]), float(r[1])) for r in cursor.fetchall()]

    def _walk_is_cheaper(self, cursor: Any, query: ParsedQuery, constraints: Constraints) -> bool:
        """How to find the newest `rank_candidates` matches for ranking (W4, ADR 0022).

        Walking the primary key backwards reads about `rank_candidates × entries ÷ matches` rows and
        checks each row's tsvector; fetching the matches through the GIN index reads every match,
        each from its own heap page. The planner prices the walk's check as nearly free, so for a
        word of medium frequency it walks hundreds of thousands of rows (0.45 s at 5 M entries for
        a word in 0.25 % of them). Measured at 5 M entries, a match fetched through the index costs
        about four rows walked (≈ 4.7 µs against 1.1 µs), so the walk is chosen when
        `rank_candidates × entries ÷ matches < 4 × matches`, from the planner's own estimates (one
        EXPLAIN); at the crossing (≈ 35,000 matches in 5 M) either way reads for ≈ 0.15 s."""
        text, params = self._matching(query, constraints, "1")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {text}", params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        matches = float(plan[0]["Plan"]["Plan Rows"])
        cursor.execute(f"SELECT reltuples FROM pg_class WHERE oid = '{sql.ENTRY}'::regclass")  # noqa: S608 - constant
        entries = max(float(cursor.fetchone()[0]), 1.0)
        return 4 * matches * matches > self.rank_candidates * entries

    def count(self, query: ParsedQuery, constraints: Constraints, *, cap: int) -> int:
        text, params = self._matching(query, constraints, "1")
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({text} LIMIT %s) c", [*params, cap])  # noqa: S608 - built above
            return int(cursor.fetchone()[0])

    def suggest(self, words: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self.connection.cursor() as cursor:
            for word in words:
                if len(word) < 3 or word.isdigit():
                    continue
                cursor.execute(f"SELECT 1 FROM {sql.WORD} WHERE word = %s", [word])  # noqa: S608 - constant
                if cursor.fetchone():
                    continue
                cursor.execute(
                    f"SELECT word, similarity(word, %s) AS s FROM {sql.WORD} WHERE word %% %s ORDER BY s DESC, word LIMIT 1",  # noqa: S608 - constant
                    [word, word],
                )
                row = cursor.fetchone()
                if row and float(row[1]) >= SUGGEST_SIMILARITY:
                    out[word] = str(row[0])
        return out
