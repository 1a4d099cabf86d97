"""The records behind a figure, as the viewer may see them (issue 16 §4, ADR 0038: one read path).

A report holds the query of the records a figure counts, but never lists them itself: the app that
owns the records lists them for the viewer with its own access rules. Each app registers a lister
for its models in `AppConfig.ready()`:

    from chinhquyen.core.records import register_lister
    register_lister("documents.IncomingDocument", list_incoming_for_viewer)

A lister returns the rows the viewer may open in that app's pages, and how many other records the
figure counts (`hidden`): they are counted, never named. Models without a lister (agencies,
procedures, survey answers, exchange packages) are listed as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class RecordRow:
    pk: int
    label: str
    url: str = ""


@dataclass(frozen=True)
class RecordList:
    rows: list[RecordRow] = field(default_factory=list)
    #: Records the figure counts that the viewer may not open (a secret document outside their chain,
    #: another agency's documents): counted here, never listed.
    hidden: int = 0
    #: More rows than `limit` were visible.
    more: bool = False


Lister = Callable[[QuerySet[Any], Any, int], RecordList]
_LISTERS: dict[str, Lister] = {}


def register_lister(model_label: str, lister: Lister) -> None:
    """`lister(queryset, viewer, limit) -> RecordList` lists `model_label` records for a viewer."""
    _LISTERS[model_label] = lister


def has_lister(model_label: str) -> bool:
    return model_label in _LISTERS


def list_records(queryset: QuerySet[Any], viewer: Any, *, limit: int) -> RecordList:
    """At most `limit` rows of `queryset` that `viewer` may see, newest first, by the owner's rules."""
    lister = _LISTERS.get(queryset.model._meta.label)
    if lister is not None:
        return lister(queryset, viewer, limit)
    return rows_of(queryset, limit, label=str)


def rows_of(queryset: QuerySet[Any], limit: int, *, label: Callable[[Any], str], url: Callable[[Any], str] | None = None) -> RecordList:
    """The first `limit` rows, newest first (for the listers)."""
    records = list(queryset.order_by("-pk")[: limit + 1])
    rows = [RecordRow(r.pk, label(r), url(r) if url else _url(r)) for r in records[:limit]]
    return RecordList(rows=rows, more=len(records) > limit)


def _url(record: Any) -> str:
    get = getattr(record, "get_absolute_url", None)
    return str(get()) if callable(get) else ""
