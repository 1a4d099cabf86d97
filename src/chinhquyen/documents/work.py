"""The office's lists on the official's home page (core.work): what waits to be registered,
presented, instructed, handled, reviewed, approved and issued — only what the official may see
(documents.access), urgent first, the handling lists by deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.work import ROWS, WorkItem, WorkList, capped_count
from chinhquyen.documents import access, selectors
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.organizations.models import Account

#: list → (title, the next action, order on the page); leaders' decisions first.
INCOMING = {
    "to_instruct": (_("To instruct"), _("Instruct"), 10),
    "to_register": (_("To register"), _("Register"), 20),
    "to_present": (_("To present"), _("Present"), 21),
    "mine": (_("Documents I handle"), _("Handle"), 30),
    "unit": (_("My unit's documents"), _("Assign"), 31),
    "overdue": (_("Overdue"), _("Follow up"), 5),
}
OUTGOING = {
    "to_approve": (_("Drafts to approve"), _("Approve"), 11),
    "to_review": (_("Drafts to review"), _("Review"), 12),
    "to_issue": (_("To issue"), _("Issue"), 22),
    "mine": (_("My drafts"), _("Continue"), 40),
}


def _order(ordering: selectors.Ordering) -> list[str]:
    return [("-" if descending else "") + name for name, descending in ordering]


def _item(document: IncomingDocument | OutgoingDocument, url: str, now: dt.datetime) -> WorkItem:
    due = getattr(document, "due_at", None)
    is_open = isinstance(document, IncomingDocument) and document.status in selectors.OPEN_STATUSES
    return WorkItem(
        label=document.label,
        url=url,
        due_at=due,
        overdue=bool(due and is_open and due < now),
        tag=document.get_urgency_display() if document.urgency else "",
    )


def _lists(
    direction: str, names: list[str], table: dict[str, tuple[Any, Any, int]], read: Any, detail: str, now: dt.datetime
) -> list[WorkList]:
    """One WorkList per named list of one direction (incoming or outgoing) that has something."""
    out = []
    for name in names:
        if name not in table:
            continue
        title, action, order = table[name]
        queryset, ordering = read(name)
        count = capped_count(queryset)
        if not count:
            continue
        items = [_item(d, reverse(f"documents:{detail}", args=[d.pk]), now) for d in queryset.order_by(*_order(ordering))[:ROWS]]
        url = reverse(f"documents:{direction}") + "?" + urlencode({"list": name})
        out.append(WorkList(key=f"{direction}_{name}", title=title, action=action, url=url, count=count, items=items, order=order))
    return out


def my_work(official: Account) -> list[WorkList]:
    scope = access.scope_of(official)
    if not scope.roles:
        return []
    now = timezone.now()
    return [
        *_lists(
            "incoming", selectors.incoming_lists_for(scope), INCOMING, lambda n: selectors.incoming_list(scope, n), "incoming_detail", now
        ),
        *_lists(
            "outgoing", selectors.outgoing_lists_for(scope), OUTGOING, lambda n: selectors.outgoing_list(scope, n), "outgoing_detail", now
        ),
    ]
