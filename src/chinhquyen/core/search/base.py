"""The search backend's contract: what an index entry is, what a search may ask, what an engine does.

One index serves every app. An **entry** is one searchable object, named by `(kind, object_id)`
(`"documents.incoming", 4711`). It carries:

- `agency_id`: the agency that owns it (access and the "my agency" filter);
- filter columns: `date` (the document's date: newest-first order and date ranges), `secrecy`
  (0 ordinary, 1 Mật, 2 Tối mật, 3 Tuyệt mật — STANDARDS.md §2.6), `doc_type` (`QĐ`, `CV` …);
- `tags`: any other filter, as `name → value(s)` (`{"status": "issued", "register": 12,
  "assigned": [31, 45]}`), matched exactly;
- `grants`: access keys that open the entry to people outside the owning agency or above
  their clearance (`"official:31"`, `"unit:7"`): the recipients, the assignees, the persons a
  secret document was given to;
- `fields`: named texts in their original spelling, each with a weight: A (number and notation,
  subject), B (issuer, signer, type), C (recipients, instructions, comments), D (attachment
  text). Each field is folded and cut into words (`query.words`) before an engine sees it; the
  original is kept to build snippets (`highlight`).

The entry's key in the engines is its **sort key** `date.toordinal() << 32 | serial`, so "newest
first" is the order of the key itself: SQLite's FTS5 walks its doclists in key order and stops at
the page size, PostgreSQL walks the primary-key index backwards, and a date range is a key range
(ADR 0022).

A **search** is a `ParsedQuery` (`query.parse_query`) plus `Constraints` — all of them applied
inside the one SQL statement that finds the candidates, access first, so an official never
receives, counts or pages through what they may not see. Ordering is `"newest"` (key order) or
`"relevance"`: the newest `rank_candidates` matches that pass the constraints are ranked by the
engine's function (bm25 over that window for SQLite — FTS5's own bm25() counts every match of
each phrase first —, `ts_rank_cd` for PostgreSQL) with the weights above, so a very common word
or phrase costs what `rank_candidates` rows cost, never what all its matches cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from chinhquyen.core.search.query import ParsedQuery

Weight = Literal["A", "B", "C", "D"]
WEIGHTS: tuple[Weight, ...] = ("A", "B", "C", "D")

#: The weight of the usual field names; any other field is C unless given as `(text, weight)`.
DEFAULT_FIELD_WEIGHTS: dict[str, Weight] = {
    "title": "A",
    "subject": "A",
    "code": "A",
    "number": "A",
    "notation": "A",
    "issuer": "B",
    "signer": "B",
    "type": "B",
    "summary": "B",
    "recipients": "C",
    "instructions": "C",
    "comments": "C",
    "attachments": "D",
    "body": "D",
    "text": "D",
}

#: Filters with a column of their own; every other filter becomes a tag.
COLUMN_FILTERS = ("date", "secrecy", "type")


@dataclass(frozen=True)
class IndexEntry:
    """One object as the index holds it (see the module docstring)."""

    kind: str
    object_id: int
    agency_id: int | None
    title: str
    fields: Mapping[str, tuple[str, Weight]]
    date: dt.date | None = None
    secrecy: int = 0
    doc_type: str = ""
    tags: frozenset[str] = frozenset()
    grants: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        kind: str,
        object_id: int,
        agency_id: int | None,
        *,
        fields: Mapping[str, str | tuple[str, Weight] | None],
        filters: Mapping[str, Any] | None = None,
        grants: Iterable[str] = (),
        title: str | None = None,
    ) -> IndexEntry:
        """Build an entry from the loose form of `service.index()`.

        `fields` maps a name to its text, or to `(text, weight)`; empty fields are dropped.
        `filters` holds `date`, `secrecy`, `type` and any tag (`value` or a list of values).
        """
        normalised: dict[str, tuple[str, Weight]] = {}
        for name, value in fields.items():
            if value is None:
                continue
            text, weight = value if isinstance(value, tuple) else (value, DEFAULT_FIELD_WEIGHTS.get(name, "C"))
            if weight not in WEIGHTS:
                raise ValueError(f"field {name!r}: weight {weight!r} is not one of A, B, C, D")
            if text and text.strip():
                normalised[name] = (str(text), weight)
        filters = dict(filters or {})
        date = filters.pop("date", None)
        if isinstance(date, dt.datetime):
            date = date.date()
        secrecy = int(filters.pop("secrecy", 0) or 0)
        doc_type = str(filters.pop("type", "") or "")
        tags = frozenset(tag for name, value in filters.items() for tag in tag_values(name, value))
        if title is None:
            title = next((normalised[n][0] for n in ("title", "subject", "code") if n in normalised), "")
        return cls(
            kind=kind,
            object_id=int(object_id),
            agency_id=agency_id,
            title=title,
            fields=normalised,
            date=date,
            secrecy=secrecy,
            doc_type=doc_type,
            tags=tags,
            grants=frozenset(str(g) for g in grants),
        )


def tag_values(name: str, value: Any) -> list[str]:
    """`("assigned", [31, 45])` → `["assigned=31", "assigned=45"]`: how tags are stored and matched."""
    if "=" in name:
        raise ValueError(f"a filter name may not contain '=': {name!r}")
    values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    return [f"{name}={v}"[:200] for v in values if v is not None and v != ""]


@dataclass(frozen=True)
class Access:
    """Who is searching, as constraints the engine puts inside its SQL.

    An entry is visible when (its agency is one of `agency_ids` **and** its secrecy is at most
    `max_secrecy`) **or** it carries one of `grants`. `everything=True` is for system work only
    (reindexing, the operators' tools), never for an official's request.
    """

    agency_ids: frozenset[int] = frozenset()
    max_secrecy: int = 0
    grants: frozenset[str] = frozenset()
    everything: bool = False

    @classmethod
    def for_agencies(cls, *agency_ids: int, max_secrecy: int = 0, grants: Iterable[str] = ()) -> Access:
        return cls(agency_ids=frozenset(agency_ids), max_secrecy=max_secrecy, grants=frozenset(grants))


@dataclass(frozen=True)
class Constraints:
    """Everything but the words: applied inside the engine's single query."""

    access: Access
    kinds: tuple[str, ...] = ()
    agency_ids: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    doc_types: tuple[str, ...] = ()
    secrecy: tuple[int, ...] = ()
    #: Each inner tuple is one filter: any of its tags matches (OR); filters are ANDed.
    tags: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Candidate:
    key: int
    rank: float | None = None


@dataclass
class Hit:
    """One result: what the entry is, and a snippet of its original text (HTML, matches in `<mark>`)."""

    kind: str
    object_id: int
    agency_id: int | None
    title: str
    date: dt.date | None
    doc_type: str
    snippet: str
    field: str | None
    rank: float | None = None


@dataclass
class Page:
    """One page of hits; `next_cursor` is `None` on the last page.

    `total` counts the visible matches up to `total_cap` (`total_is_exact` is false when there are
    more); it is computed under the same access constraints as the hits, so it leaks nothing.
    """

    hits: list[Hit]
    next_cursor: str | None
    total: int | None = None
    total_is_exact: bool = True
    corrected_query: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class SearchEngine:
    """One full-text engine. Chosen by the database vendor (`service.engine()`); the tables are
    created by the core migrations (0004) on each vendor.

    An engine stores entries and finds candidates; it does not parse queries or build snippets
    (the service does both, the same way for every engine).

    - `upsert(entries)` writes entries, replacing those with the same `(kind, object_id)`.
      Idempotent. Must run inside the caller's transaction (the index changes with the object).
    - `delete(kind, object_ids)` removes entries; unknown ids are ignored.
    - `delete_stale(kind, before_generation)` removes entries of `kind` last written before a
      reindex generation (what a reindex did not see any more).
    - `candidates(query, constraints, order, limit, after)` returns at most `limit` candidates
      visible under `constraints`, in `order`. For `"newest"` the page starts after sort key
      `after` (keyset). For `"relevance"` it returns the best `limit` of the newest
      `rank_candidates` matches, best first, each with its rank (higher is better), and `after`
      is an offset into that ranking.
    - `count(query, constraints, cap)` counts visible matches, stopping at `cap`.
    - `rows(keys)` loads the stored entries (`kind`, `object_id`, `agency_id`, `title`, `date`,
      `doc_type`, `content`) for the keys of one page.
    - `suggest(words)` (optional) proposes, for words with no match, the closest indexed word
      (typo correction); the base returns no suggestion.

    Engines never receive raw user text: only words of `query.words` (letters and digits).
    """

    vendor = ""

    def __init__(self, connection: Any, *, rank_candidates: int = 1000) -> None:
        self.connection = connection
        self.rank_candidates = rank_candidates

    def upsert(self, entries: Sequence[IndexEntry], *, generation: int = 0, new: bool = False) -> None:
        """Write `entries`, replacing the objects' old entries (none when `new`)."""
        raise NotImplementedError

    def delete(self, kind: str, object_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def delete_stale(self, kind: str, before_generation: int) -> int:
        raise NotImplementedError

    def candidates(
        self,
        query: ParsedQuery,
        constraints: Constraints,
        *,
        order: Literal["newest", "relevance"],
        limit: int,
        after: int | None = None,
    ) -> list[Candidate]:
        raise NotImplementedError

    def count(self, query: ParsedQuery, constraints: Constraints, *, cap: int) -> int:
        raise NotImplementedError

    def rows(self, keys: Sequence[int]) -> dict[int, dict[str, Any]]:
        raise NotImplementedError

    def suggest(self, words: Sequence[str]) -> dict[str, str]:
        return {}
