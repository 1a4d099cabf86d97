"""The one-stop lists on the official's home page (core.work): the officer's queue (online
dossiers to check among them) and, for leaders, their agencies' overdue dossiers."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.work import COUNT_CAP, ROWS, WorkItem, WorkList
from chinhquyen.dossiers import clock, selectors
from chinhquyen.dossiers.access import scope_of
from chinhquyen.organizations.models import Account


def my_work(official: Account) -> list[WorkList]:
    scope = scope_of(official)
    if not scope.any:
        return []
    now = clock.now()
    out = []
    steps = list(selectors.officer_queue(official, scope=scope, limit=COUNT_CAP + 1))
    if steps:
        items = [
            WorkItem(
                label=f"{s.dossier.code} — {s.dossier.procedure.name}",
                url=reverse("dossiers:detail", args=[s.dossier.code]),
                due_at=s.due_at,
                overdue=s.due_at < now,
                tag="" if s.dossier.is_received else _("submitted online, to check"),
            )
            for s in steps[:ROWS]
        ]
        out.append(
            WorkList(
                key="dossiers_queue",
                title=_("Dossiers waiting for me"),
                action=_("Process"),
                url=reverse("dossiers:queue"),
                count=len(steps),
                items=items,
                order=15,
            )
        )
    if scope.leader:
        late = list(selectors.overdue_dossiers(official, scope=scope, limit=COUNT_CAP + 1))
        if late:
            items = [
                WorkItem(
                    label=f"{d.code} — {d.procedure.name}",
                    url=reverse("dossiers:detail", args=[d.code]),
                    due_at=d.due_at,
                    overdue=True,
                )
                for d in late[:ROWS]
            ]
            out.append(
                WorkList(
                    key="dossiers_overdue",
                    title=_("Overdue dossiers"),
                    action=_("Follow up"),
                    url=reverse("dossiers:overdue"),
                    count=len(late),
                    items=items,
                    order=6,
                )
            )
    return out
