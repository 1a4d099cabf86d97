"""Reads of the agency tree that carry policy: "as of a date", "current successor", "my roles"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from chinhquyen.core.collation import vietnamese_key
from chinhquyen.organizations.models import Account, Agency, Delegation, RoleAssignment


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class TreeNode:
    agency: Agency
    children: list[TreeNode] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.agency.code,
            "name": self.agency.name,
            "level": self.agency.level,
            "children": [c.as_dict() for c in self.children],
        }


def agencies_valid_on(day: dt.date):  # type: ignore[no-untyped-def]
    return Agency.objects.valid_on(day)


def agency_tree(*, as_of: dt.date) -> list[TreeNode]:
    """The tree of agencies in force on `as_of`, roots first, children in Vietnamese name order (one query)."""
    agencies = sorted(Agency.objects.valid_on(as_of), key=lambda a: vietnamese_key(a.name))
    nodes = {a.pk: TreeNode(a) for a in agencies}
    roots: list[TreeNode] = []
    for agency in agencies:
        parent = nodes.get(agency.parent_id) if agency.parent_id else None
        (parent.children if parent else roots).append(nodes[agency.pk])
    return roots


def current_successors(agency: Agency, *, on: dt.date | None = None) -> list[Agency]:
    """What carries on the work of `agency` on `on` (today by default).

    The agency itself while it is in force; otherwise its successors, followed through later
    mergers, splits and renames until agencies in force on that day are reached.
    """
    day = on or today()
    if agency.is_valid_on(day):
        return [agency]
    result: list[Agency] = []
    seen: set[int] = {agency.pk}
    frontier = [agency]
    while frontier:
        next_frontier: list[Agency] = []
        for node in frontier:
            for succession in node.successions_out.select_related("successor").order_by("effective_date"):
                successor = succession.successor
                if successor.pk in seen or succession.effective_date > day:
                    continue
                seen.add(successor.pk)
                if successor.is_valid_on(day):
                    result.append(successor)
                else:
                    next_frontier.append(successor)
        frontier = next_frontier
    return sorted(result, key=lambda a: a.code)


def roles_of(official: Account, *, on: dt.date | None = None):  # type: ignore[no-untyped-def]
    """The official's role assignments in force, with their agencies (one query)."""
    day = on or today()
    return (
        RoleAssignment.objects.valid_on(day)
        .filter(official=official, agency__in=Agency.objects.valid_on(day))
        .select_related("agency", "unit", "position")
        .order_by("agency__name", "role")
    )


def delegations_to(official: Account, *, on: dt.date | None = None):  # type: ignore[no-untyped-def]
    day = on or today()
    return Delegation.objects.filter(delegate=official, starts_on__lte=day, ends_on__gte=day).select_related("leader", "agency")
