"""The search backend's public functions: index, remove, search, reindex.

Apps call these; they never talk to an engine. `index()` and `remove()` write in the caller's
transaction, so the index changes exactly when the object does (call them from the service that
changes the object, or from an `on_commit`-free signal handler inside its transaction).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.errors import DomainError
from chinhquyen.core.search.base import WEIGHTS, Access, Constraints, Hit, IndexEntry, Page, SearchEngine, Weight, tag_values
from chinhquyen.core.search.highlight import plain_snippet, snippet
from chinhquyen.core.search.query import ParsedQuery, parse_query
from chinhquyen.core.search.registry import providers

MAX_LIMIT = 100
Order = Literal["newest", "relevance"]


def engine(using: str = "default") -> SearchEngine:
    """The engine of the database `using`: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""
    connection = connections[using]
    rank_candidates = int(settings.SEARCH_RANK_CANDIDATES)
    if connection.vendor == "sqlite":
        from chinhquyen.core.search.sqlite import SqliteEngine

        return SqliteEngine(connection, rank_candidates=rank_candidates)
    if connection.vendor == "postgresql":
        from chinhquyen.core.search.postgres import PostgresEngine

        return PostgresEngine(connection, rank_candidates=rank_candidates)
    raise NotImplementedError(f"no search engine for {connection.vendor}")


_last_generation = 0
_generation_lock = threading.Lock()


def _generation() -> int:
    """Entries carry the time they were written (ms); a reindex removes what it did not rewrite.

    Strictly increasing in a process: a reindex that starts in the same millisecond as the last
    write still sees that write as older (it used to keep entries it should drop)."""
    global _last_generation
    with _generation_lock:
        _last_generation = max(time.time_ns() // 1_000_000, _last_generation + 1)
        return _last_generation


def index(
    kind: str,
    object_id: int,
    agency_id: int | None,
    *,
    fields: Mapping[str, str | tuple[str, Weight] | None],
    filters: Mapping[str, Any] | None = None,
    grants: Iterable[str] = (),
    title: str | None = None,
) -> IndexEntry:
    """Index (or re-index) one object. See `IndexEntry.build` for `fields` and `filters`."""
    entry = IndexEntry.build(kind, object_id, agency_id, fields=fields, filters=filters, grants=grants, title=title)
    index_entries([entry])
    return entry


def index_entries(entries: Sequence[IndexEntry], *, new: bool = False) -> None:
    """Index several entries at once (what `reindex` and bulk imports use). `new`: the objects
    were just created, so none can have an entry yet — the look-up of old entries is skipped."""
    engine().upsert(entries, generation=_generation(), new=new)


def remove(kind: str, object_ids: Iterable[int]) -> None:
    """Remove objects from the index; ids that are not there are ignored."""
    engine().delete(kind, object_ids)


def _cursor(cursor: str | None, order: Order) -> int | None:
    if not cursor:
        return None
    prefix, _sep, value = cursor.partition(".")
    if prefix != order[0] or not value.isdigit() or len(value) > 20:
        raise DomainError("search.bad_cursor", _("This page of results has expired; search again."))
    return int(value)


def _hit(row: dict[str, Any], query: ParsedQuery, rank: float | None) -> Hit:
    fields = sorted(row["content"].items(), key=lambda item: WEIGHTS.index(item[1][1]) if item[1][1] in WEIGHTS else 9)
    for name, (text, _weight) in fields:
        marked = snippet(text, query.all_words, query.prefix)
        if marked is not None:
            return Hit(row["kind"], row["object_id"], row["agency_id"], row["title"], row["date"], row["doc_type"], marked, name, rank)
    return Hit(
        row["kind"], row["object_id"], row["agency_id"], row["title"], row["date"], row["doc_type"], plain_snippet(row["title"]), None, rank
    )


def _corrected(query: ParsedQuery, fixes: Mapping[str, str]) -> ParsedQuery:
    def fix(word: str) -> str:
        return fixes.get(word, word)

    return ParsedQuery(
        terms=tuple(fix(w) for w in query.terms),
        phrases=tuple(tuple(fix(w) for w in p) for p in query.phrases),
        prefix=query.prefix,
        all_words=tuple(fix(w) for w in query.all_words),
    )


def search(
    query: str,
    *,
    access: Access,
    kinds: Sequence[str] = (),
    agency_ids: Sequence[int] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    doc_types: Sequence[str] = (),
    secrecy: Sequence[int] = (),
    filters: Mapping[str, Any] | None = None,
    order: Order = "newest",
    limit: int = 20,
    cursor: str | None = None,
    prefix: bool = False,
    count: bool = False,
    fuzzy: bool = True,
) -> Page:
    """Search the index as the official described by `access` may see it.

    `query` is what was typed (see `query.parse_query`); `filters` are tag filters
    (`{"status": "issued", "assigned": 31}`; a list means any of them). `order` is `"newest"` or
    `"relevance"`; `cursor` is the `next_cursor` of the previous page. With `prefix=True` the last
    word also matches longer words (results as you type). With `count=True` the page says how many
    visible entries match, up to `SEARCH_COUNT_CAP`. With `fuzzy=True` (PostgreSQL) a search that
    finds nothing retries once with the closest indexed words and says so in `corrected_query`.

    Raises `DomainError` (`search.empty`, `search.too_long`, `search.too_many_words`,
    `search.bad_cursor`, `search.bad_request`); never an engine error for anything typed.
    """
    if order not in ("newest", "relevance"):
        raise DomainError("search.bad_request", _("Unknown sort order."), fields={"order": _("Unknown sort order.")})
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise DomainError("search.bad_request", _("Ask for between 1 and %(max)d results.") % {"max": MAX_LIMIT})
    if date_from and date_to and date_from > date_to:
        raise DomainError("search.bad_request", _("The start date is after the end date."), fields={"date_from": _("After the end date.")})
    parsed = parse_query(query, prefix=prefix)
    after = _cursor(cursor, order)
    constraints = Constraints(
        access=access,
        kinds=tuple(kinds),
        agency_ids=tuple(int(a) for a in agency_ids),
        date_from=date_from,
        date_to=date_to,
        doc_types=tuple(doc_types),
        secrecy=tuple(int(s) for s in secrecy),
        tags=tuple(tuple(tag_values(name, value)) for name, value in (filters or {}).items()),
    )
    eng = engine()
    if order == "relevance" and after is not None and after >= eng.rank_candidates:
        return Page(hits=[], next_cursor=None)
    candidates = eng.candidates(parsed, constraints, order=order, limit=limit + 1, after=after)
    corrected: str | None = None
    if not candidates and after is None and fuzzy:
        fixes = eng.suggest(parsed.all_words)
        if fixes:
            parsed = _corrected(parsed, fixes)
            corrected = " ".join(parsed.all_words)
            candidates = eng.candidates(parsed, constraints, order=order, limit=limit + 1, after=None)
    more = len(candidates) > limit
    candidates = candidates[:limit]
    rows = eng.rows([c.key for c in candidates])
    hits = [_hit(rows[c.key], parsed, c.rank) for c in candidates if c.key in rows]
    next_cursor: str | None = None
    if more and candidates:
        if order == "newest":
            next_cursor = f"n.{candidates[-1].key}"
        elif (after or 0) + limit < eng.rank_candidates:
            next_cursor = f"r.{(after or 0) + limit}"
    page = Page(hits=hits, next_cursor=next_cursor, corrected_query=corrected)
    if count:
        cap = int(settings.SEARCH_COUNT_CAP)
        total = eng.count(parsed, constraints, cap=cap + 1)
        page.total, page.total_is_exact = min(total, cap), total <= cap
    return page


def reindex(
    kinds: Sequence[str] | None = None,
    *,
    batch_size: int = 500,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> dict[str, int]:
    """Rebuild the entries of `kinds` (default: every registered provider) from the providers.

    Entries are rewritten in batches (each its own transaction, so searches keep working during
    a long reindex); at the end, entries of the kind that were not rewritten since the start
    (objects that no longer exist) are removed. Returns the number of entries written per kind.
    """
    registered = providers()
    wanted = list(kinds) if kinds else sorted(registered)
    unknown = [k for k in wanted if k not in registered]
    if unknown:
        raise DomainError("search.unknown_kind", _("No index provider for: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    written: dict[str, int] = {}
    for kind in wanted:
        provider = registered[kind]
        started = _generation()
        total = provider.count() if provider.count else None
        done = 0
        batch: list[IndexEntry] = []
        if progress:
            progress(kind, 0, total)
        for entry in provider.entries():
            batch.append(entry)
            if len(batch) >= batch_size:
                with transaction.atomic():
                    index_entries(batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(kind, done, total)
        if batch:
            with transaction.atomic():
                index_entries(batch)
            done += len(batch)
        with transaction.atomic():
            engine().delete_stale(kind, started)
        if progress:
            progress(kind, done, total if total is not None else done)
        written[kind] = done
    return written
