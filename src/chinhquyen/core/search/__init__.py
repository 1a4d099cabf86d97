"""Vietnamese full-text search over every app's objects: one interface, two engines (ADR 0022).

The public surface (import from here, not from the submodules):

- `index(kind, object_id, agency_id, fields=…, filters=…, grants=…)` and `remove(kind, ids)`:
  keep an object's entry in step with it, inside the transaction that changes it;
- `search(query, access=Access(...), …) -> Page`: find entries, access checked inside the query;
- `register_provider(kind, entries=…, count=…)` and `reindex()`: rebuild from the apps' data
  (`chinhquyen search reindex`);
- `IndexEntry`, `Access`, `Page`, `Hit`: the data that crosses the interface (see `base`).
"""

from chinhquyen.core.search.base import Access, Hit, IndexEntry, Page
from chinhquyen.core.search.registry import register_provider, unregister_provider
from chinhquyen.core.search.service import engine, index, index_entries, reindex, remove, search

__all__ = [
    "Access",
    "Hit",
    "IndexEntry",
    "Page",
    "engine",
    "index",
    "index_entries",
    "register_provider",
    "reindex",
    "remove",
    "search",
    "unregister_provider",
]
