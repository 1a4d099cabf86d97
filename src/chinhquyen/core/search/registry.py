"""Index providers: each app says how to list its searchable objects, for `search reindex`.

An app registers one provider per kind in its `AppConfig.ready()`:

    from chinhquyen.core import search

    search.register_provider("documents.incoming", entries=incoming_index_entries, count=lambda: IncomingDocument.objects.count())

`entries()` yields `IndexEntry` objects (build them with `IndexEntry.build(...)`, the same way
the app's services call `search.index(...)` when an object changes), ideally reading the table
with `.iterator()` in key order. `count()` (optional) sizes the progress bar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from chinhquyen.core.search.base import IndexEntry


@dataclass(frozen=True)
class IndexProvider:
    kind: str
    entries: Callable[[], Iterable[IndexEntry]]
    count: Callable[[], int] | None = None


_PROVIDERS: dict[str, IndexProvider] = {}


def register_provider(kind: str, *, entries: Callable[[], Iterable[IndexEntry]], count: Callable[[], int] | None = None) -> None:
    """Register (or replace) the provider of `kind`."""
    _PROVIDERS[kind] = IndexProvider(kind=kind, entries=entries, count=count)


def unregister_provider(kind: str) -> None:
    _PROVIDERS.pop(kind, None)


def providers() -> dict[str, IndexProvider]:
    return dict(_PROVIDERS)
