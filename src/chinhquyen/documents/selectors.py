"""The lists that answer each role's question (issue 4 §4), with keyset pagination.

Every list starts from `access.visible_*` (the access rules inside the query) and orders on an
index: most urgent first, then newest; "my documents" and "overdue" by deadline, the soonest first.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from chinhquyen.documents.access import Scope, visible_incoming, visible_incoming_parts, visible_outgoing
from chinhquyen.documents.models import Assignment, IncomingDocument, IncomingStatus, OutgoingDocument, OutgoingStatus
from chinhquyen.organizations.models import Role

#: A count above this is shown as "more than 10,000" (UI.md): exact counts of huge sets are not cheap.
COUNT_CAP = 10_000
PAGE_SIZE = 50

Ordering = Sequence[tuple[str, bool]]  # (field, descending)

URGENT_NEWEST: Ordering = (("urgency_rank", True), ("id", True))
NEWEST_ARRIVAL: Ordering = (("arrival_at", True), ("id", True))
SOONEST_DUE: Ordering = (("due_at", False), ("id", False))
NEWEST: Ordering = (("urgency_rank", True), ("id", True))

INCOMING_LISTS = ("to_register", "to_present", "to_instruct", "mine", "unit", "overdue", "all")
OUTGOING_LISTS = ("mine", "to_review", "to_approve", "to_issue", "issued", "all")
OPEN_STATUSES = (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)


@dataclass
class Page:
    rows: list[Any]
    next_cursor: str | None
    count: int
    count_capped: bool


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, ordering: Ordering, model: Any) -> list[Any] | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(raw, list) or len(raw) != len(ordering):
        return None
    values: list[Any] = []
    for (name, _desc), value in zip(ordering, raw, strict=True):
        internal = model._meta.get_field(name).get_internal_type()
        try:
            if internal == "DateTimeField":
                values.append(dt.datetime.fromisoformat(value))
            else:
                values.append(int(value))
        except (TypeError, ValueError):
            return None
    return values


def _after(ordering: Ordering, values: list[Any]) -> Q:
    condition = Q(pk__in=[])
    for i, (name, desc) in enumerate(ordering):
        step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{ordering[j][0]: values[j]})
        condition |= step
    return condition


def paginate(queryset: QuerySet, ordering: Ordering, cursor: str | None, size: int = PAGE_SIZE, *, count: bool = True) -> Page:
    """One page by key (no OFFSET: page 500 costs what page 1 costs)."""
    return paginate_parts([queryset], ordering, cursor, size, count=count)


def paginate_parts(parts: Sequence[QuerySet], ordering: Ordering, cursor: str | None, size: int = PAGE_SIZE, *, count: bool = True) -> Page:
    """One page by key over disjoint querysets (`access.visible_incoming_parts`): each part reads
    its first `size + 1` rows after the cursor in its index's order, and the rows are merged in
    the same order — a page costs one short ordered read per part, where one query with the
    parts ORed together would sort all of them. The count is the parts' capped counts added."""
    order_by = [("-" if desc else "") + name for name, desc in ordering]
    values = _decode(cursor, ordering, parts[0].model) if cursor and parts else None
    rows: list[Any] = []
    for part in parts:
        qs = part.order_by(*order_by)
        if values is not None:
            qs = qs.filter(_after(ordering, values))
        rows += list(qs[: size + 1])
    if len(parts) > 1:
        rows.sort(key=functools.cmp_to_key(lambda a, b: _compare(a, b, ordering)))
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode([getattr(last, name) for name, _desc in ordering])
    total = 0
    if count:
        for part in parts:
            total += part.order_by()[: COUNT_CAP + 1 - total].count()
            if total > COUNT_CAP:
                break
    return Page(rows=rows, next_cursor=next_cursor, count=min(total, COUNT_CAP), count_capped=total > COUNT_CAP)


def _compare(a: Any, b: Any, ordering: Ordering) -> int:
    """The order of the database's ORDER BY for `ordering` (a missing value first, as ascending)."""
    for name, desc in ordering:
        x, y = getattr(a, name), getattr(b, name)
        if x == y:
            continue
        before = x is None or (y is not None and x < y)
        return (1 if before else -1) if desc else (-1 if before else 1)
    return 0


@dataclass
class IncomingFilters:
    status: str = ""
    urgency: str = ""
    document_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    agency: int | None = None


def _filter_incoming(qs: QuerySet[IncomingDocument], f: IncomingFilters) -> QuerySet[IncomingDocument]:
    if f.status:
        qs = qs.filter(status=f.status)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.document_type:
        qs = qs.filter(document_type=f.document_type)
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(arrival_at__gte=dt.datetime.combine(f.date_from, dt.time(0), tzinfo=tz))
    if f.date_to:
        qs = qs.filter(arrival_at__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz))
    if f.q:
        text = f.q.strip()
        if "/" in text:
            number, _sep, notation = text.partition("/")
            qs = qs.filter(code_number=number.strip(), code_notation__iexact=notation.strip())
        else:
            qs = qs.filter(Q(subject__icontains=text) | Q(issuer_name__icontains=text) | Q(code_notation__iexact=text))
    return qs


def incoming_list(scope: Scope, name: str, filters: IncomingFilters | None = None) -> tuple[QuerySet[IncomingDocument], Ordering]:
    """The queryset and ordering of one named list (INCOMING_LISTS)."""
    return _narrow_incoming(visible_incoming(scope), scope, name, filters or IncomingFilters())


def incoming_list_parts(
    scope: Scope, name: str, filters: IncomingFilters | None = None
) -> tuple[list[QuerySet[IncomingDocument]], Ordering]:
    """`incoming_list` as disjoint parts for `paginate_parts` (the list's pages)."""
    filters = filters or IncomingFilters()
    parts = [_narrow_incoming(part, scope, name, filters) for part in visible_incoming_parts(scope)]
    return [qs for qs, _ordering in parts], parts[0][1]


def _narrow_incoming(
    qs: QuerySet[IncomingDocument], scope: Scope, name: str, filters: IncomingFilters
) -> tuple[QuerySet[IncomingDocument], Ordering]:
    me = scope.official.pk
    ordering: Ordering = URGENT_NEWEST
    if name == "to_register":
        qs = qs.filter(status=IncomingStatus.RECEIVED, agency_id__in=scope.agencies_with(Role.CLERK))
    elif name == "to_present":
        qs = qs.filter(status=IncomingStatus.REGISTERED, agency_id__in=scope.agencies_with(Role.CLERK))
    elif name == "to_instruct":
        qs = qs.filter(status=IncomingStatus.PRESENTED, presented_to_id=me)
    elif name == "mine":
        mine = Assignment.objects.filter(active=True, done_at__isnull=True, official_id=me).values("document_id")
        qs = qs.filter(status__in=OPEN_STATUSES).filter(Q(lead_handler_id=me) | Q(pk__in=mine))
        ordering = SOONEST_DUE
    elif name == "unit":
        units = Assignment.objects.filter(active=True, unit_id__in=scope.led_units).values("document_id")
        qs = qs.filter(status__in=OPEN_STATUSES, pk__in=units)
        ordering = SOONEST_DUE
    elif name == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
        ordering = SOONEST_DUE
    else:
        qs = qs.exclude(status=IncomingStatus.RECEIVED).filter(arrival_at__isnull=False)
        ordering = NEWEST_ARRIVAL
    if ordering == SOONEST_DUE:
        qs = qs.filter(due_at__isnull=False)
    return _filter_incoming(qs, filters), ordering


def outgoing_list(scope: Scope, name: str, status: str = "") -> tuple[QuerySet[OutgoingDocument], Ordering]:
    me = scope.official.pk
    qs = visible_outgoing(scope)
    if name == "mine":
        qs = qs.filter(drafter_id=me).exclude(status__in=[OutgoingStatus.ISSUED, OutgoingStatus.RECALLED])
    elif name == "to_review":
        qs = qs.filter(status=OutgoingStatus.IN_REVIEW, drafting_unit_id__in=scope.led_units)
    elif name == "to_approve":
        qs = qs.filter(status=OutgoingStatus.TO_APPROVE, agency_id__in=scope.agencies_with(Role.LEADER))
    elif name == "to_issue":
        qs = qs.filter(status=OutgoingStatus.APPROVED, agency_id__in=scope.agencies_with(Role.CLERK))
    elif name == "issued":
        qs = qs.filter(status__in=[OutgoingStatus.ISSUED, OutgoingStatus.RECALLED])
    if status:
        qs = qs.filter(status=status)
    return qs, NEWEST


def default_incoming_list(scope: Scope) -> str:
    roles = set().union(*scope.roles.values()) if scope.roles else set()
    if Role.CLERK in roles:
        return "to_register"
    if Role.LEADER in roles:
        return "to_instruct"
    if Role.UNIT_LEADER in roles:
        return "unit"
    return "mine"


def incoming_lists_for(scope: Scope) -> list[str]:
    roles = set().union(*scope.roles.values()) if scope.roles else set()
    names = []
    if Role.CLERK in roles:
        names += ["to_register", "to_present"]
    if Role.LEADER in roles:
        names += ["to_instruct"]
    if Role.UNIT_LEADER in roles:
        names += ["unit"]
    names += ["mine"]
    if roles & {Role.LEADER, Role.UNIT_LEADER, Role.CLERK}:
        names += ["overdue"]
    names += ["all"]
    return names


def outgoing_lists_for(scope: Scope) -> list[str]:
    roles = set().union(*scope.roles.values()) if scope.roles else set()
    names = ["mine"]
    if Role.UNIT_LEADER in roles:
        names.append("to_review")
    if Role.LEADER in roles:
        names.append("to_approve")
    if Role.CLERK in roles:
        names.append("to_issue")
    names += ["issued", "all"]
    return names


def timeline(document: IncomingDocument | OutgoingDocument) -> list[Any]:
    return list(document.events.select_related("actor").order_by("at", "id"))
