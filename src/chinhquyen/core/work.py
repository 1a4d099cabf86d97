"""What waits for an official, for the home page ("Việc của tôi", UI.md: counts and lists of what
waits for me, most urgent first, each with one obvious next action).

Each app registers a provider in its `AppConfig.ready()`; core never imports the apps:

    from chinhquyen.core.work import register_provider
    register_provider(my_work)   # (official) -> list[WorkList]

A provider reads only what the official may see (through its app's access functions) and keeps
each list cheap: a capped count and the first few rows on an index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

#: Counts stop here: "more than 99" is enough to know the pile is large (the list page says more).
COUNT_CAP = 99
#: Rows shown per list on the home page.
ROWS = 5


@dataclass(frozen=True)
class WorkItem:
    label: str
    url: str
    due_at: dt.datetime | None = None
    overdue: bool = False
    tag: str | Promise = ""  # "Hỏa tốc", "Thượng khẩn", "Khẩn", …


@dataclass(frozen=True)
class WorkList:
    key: str
    title: str | Promise
    action: str | Promise  # the one next action, e.g. "Register"
    url: str  # the full list
    count: int
    items: list[WorkItem] = field(default_factory=list)
    order: int = 100

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> str:
        return f"{COUNT_CAP}+" if self.capped else str(self.count)


def capped_count(queryset: Any) -> int:
    """COUNT over at most COUNT_CAP + 1 rows: the cost does not grow with the pile."""
    return int(queryset.order_by().values("pk")[: COUNT_CAP + 1].count())


Provider = Callable[[Any], list[WorkList]]
_PROVIDERS: list[Provider] = []


def register_provider(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def work_for(official: Any) -> list[WorkList]:
    """Every non-empty list for the official, most urgent first (lists with overdue rows first)."""
    lists: list[WorkList] = []
    for provider in _PROVIDERS:
        lists.extend(w for w in provider(official) if w.count)
    return sorted(lists, key=lambda w: (not any(i.overdue for i in w.items), w.order, str(w.title)))
