"""The only way pages, the API and tasks reach documents (issue 4 §8; STYLE.md: one choke point).

An official sees documents of their own agencies according to role:

- clerks and leaders: every document of the agency (clerks also what waits to be registered;
  drafts stay with their drafters until submitted);
- unit leaders: what is assigned to, or drafted in, a unit they lead;
- specialists: what is assigned to them, and to their unit when the agency's rules say so
  (`AgencyRules.specialists_see_unit`); their own drafts;
- secret documents (any `secrecy`): only the keepers of the secret register and the people in
  the document's handling chain — incoming: presented to, instructed, assigned, registering;
  outgoing: the drafter, the leader of the drafting unit, the agency's leaders while the draft
  waits for their approval (that step is theirs), the leader who approved it, the keepers of the
  agency's secret register once it is approved (issuing is their step) and the clerk who issued it. Not every leader of the agency: Law 29/2018/QH14 on state secrets, art. 11, gives
  access to those whose task needs it, and Decree 30/2020 (art. 15.2, 16.3, 22.4) keeps secret
  documents apart in their own registers (issue 16 §14);
- nothing of another agency, except what was sent to it (which is then that agency's incoming
  document).

Lists filter inside the query (`visible_incoming`, `visible_outgoing`): a forbidden row is never
read, so no count leaks. A single fetch of a forbidden object answers "not found".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from chinhquyen.core.errors import NotFound, PermissionDenied
from chinhquyen.documents.models import (
    AgencyRules,
    Assignment,
    Attachment,
    DocumentEvent,
    EventKind,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    Register,
)
from chinhquyen.organizations.models import Account, AccountKind, Agency, Role, RoleAssignment, UnitMembership
from chinhquyen.organizations.selectors import roles_of, today


@dataclass
class Scope:
    """What an official is, where: computed once per request (one query)."""

    official: Account
    roles: dict[int, set[str]] = field(default_factory=dict)  # agency id → roles
    units: dict[int, set[int]] = field(default_factory=dict)  # agency id → units the official belongs to
    led_units: set[int] = field(default_factory=set)  # units where the official is unit leader
    see_unit: dict[int, bool] = field(default_factory=dict)  # agency id → specialists see their unit's documents
    kept_registers: set[int] = field(default_factory=set)
    keeper_of: set[int] = field(default_factory=set)  # agencies where the official keeps a secret register
    rules: dict[int, AgencyRules] = field(default_factory=dict)  # agency id → the agency's document rules

    def has(self, agency_id: int, *roles: str) -> bool:
        return bool(self.roles.get(agency_id, set()) & set(roles))

    def agencies_with(self, *roles: str) -> list[int]:
        return sorted(a for a, rs in self.roles.items() if rs & set(roles))

    @property
    def agency_ids(self) -> list[int]:
        return sorted(self.roles)


#: Scopes read during the current request (`scopes_cached`); None outside a request, so a
#: long-lived process (worker, shell, test) always reads the roles in force.
_SCOPES: ContextVar[dict[int, Scope] | None] = ContextVar("documents_scopes", default=None)


@contextmanager
def scopes_cached() -> Iterator[None]:
    """Read each official's scope at most once until the block ends (one page or API request)."""
    token = _SCOPES.set({})
    try:
        yield
    finally:
        _SCOPES.reset(token)


def scope_of(official: Account) -> Scope:
    """The official's scope, read in one query (roles, unit memberships, agency rules, kept
    registers; W2: the document page's query budget). Inside `scopes_cached()` (one request) it
    is read once per official, so a view and the services it calls share it."""
    if not official.is_authenticated or official.kind != AccountKind.OFFICIAL:
        raise PermissionDenied("permission_denied", _("This page is for officials."))
    cache = _SCOPES.get()
    if cache is not None and official.pk in cache:
        return cache[official.pk]
    scope = Scope(official=official)
    memberships: list[tuple[int, int]] = []
    for kind, agency_id, ref, role, flag, days in _scope_rows(official):
        if kind == "role":
            scope.roles.setdefault(agency_id, set()).add(str(role))
            if ref:
                scope.units.setdefault(agency_id, set()).add(ref)
                if role == Role.UNIT_LEADER:
                    scope.led_units.add(ref)
        elif kind == "unit" and ref is not None:
            memberships.append((agency_id, ref))
        elif kind == "rules":
            scope.rules[agency_id] = AgencyRules(
                agency_id=agency_id, specialists_see_unit=bool(ref), direct_to_unit=bool(flag), default_handling_days=days
            )
        elif kind == "keeper" and ref is not None:
            scope.kept_registers.add(ref)
            scope.keeper_of.add(agency_id)
    for agency_id, unit_id in memberships:
        if agency_id in scope.roles:
            scope.units.setdefault(agency_id, set()).add(unit_id)
    for agency_id in scope.roles:
        scope.rules.setdefault(agency_id, AgencyRules(agency_id=agency_id))
    scope.see_unit = {a: scope.rules[a].specialists_see_unit for a in scope.roles}
    if cache is not None:
        cache[official.pk] = scope
    return scope


def holds_role(official: Account, agency_id: int, *roles: str) -> bool:
    """Whether the official holds one of `roles` in the agency today: the request's scope when it
    was read already, else one EXISTS query (cheaper than the whole scope for a service's check)."""
    if not official.is_authenticated or official.kind != AccountKind.OFFICIAL:
        raise PermissionDenied("permission_denied", _("This page is for officials."))
    cache = _SCOPES.get()
    if cache is not None and official.pk in cache:
        return cache[official.pk].has(agency_id, *roles)
    return _holds_role_now(official.pk, agency_id, roles)


def _holds_role_now(official_id: int, agency_id: int, roles: tuple[str, ...]) -> bool:
    """The rule of `roles_of` (an assignment in force today, in an agency in force today) for one
    agency, as one plain EXISTS: every registration asks it before taking a number (W3), and the
    ORM spent longer building this query than the database answering it."""
    if not roles:
        return False
    day = today()
    assignment, agency = RoleAssignment._meta.db_table, Agency._meta.db_table
    marks = ", ".join(["%s"] * len(roles))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {assignment} r JOIN {agency} a ON a.id = r.agency_id "  # noqa: S608 - table names from the models, placeholders
            f"WHERE r.official_id = %s AND r.agency_id = %s AND r.role IN ({marks}) "
            "AND r.valid_from <= %s AND (r.valid_to IS NULL OR r.valid_to >= %s) "
            "AND a.valid_from <= %s AND (a.valid_to IS NULL OR a.valid_to >= %s) LIMIT 1",
            [official_id, agency_id, *roles, day, day, day, day],
        )
        return cursor.fetchone() is not None


def _scope_rows(official: Account) -> list[tuple[str, int, int | None, str, int, int]]:
    """(kind, agency, ref, role, flag, days) rows: "role" (ref = unit), "unit" (membership; ref =
    unit), "rules" (ref = specialists see their unit, flag = direct to unit, days = default
    handling days), "keeper" (ref = register). One UNION ALL instead of four round trips."""
    day = today()

    def shape(qs: QuerySet[Any], kind: str, agency: Any, ref: Any, role: Any, flag: Any, days: Any) -> QuerySet[Any]:
        return (
            qs.order_by()
            .annotate(
                s_kind=Value(kind, output_field=CharField()),
                s_agency=agency,
                s_ref=ref,
                s_role=role,
                s_flag=flag,
                s_days=days,
            )
            .values_list("s_kind", "s_agency", "s_ref", "s_role", "s_flag", "s_days")
        )

    no_int = Value(0, output_field=IntegerField())
    no_text = Value("", output_field=CharField())
    roles = roles_of(official, on=day)
    parts = [
        shape(roles, "role", F("agency_id"), F("unit_id"), F("role"), no_int, no_int),
        shape(
            UnitMembership.objects.valid_on(day).filter(official=official),
            "unit",
            F("unit__agency_id"),
            F("unit_id"),
            no_text,
            no_int,
            no_int,
        ),
        shape(
            AgencyRules.objects.filter(agency_id__in=roles.order_by().values("agency_id")),
            "rules",
            F("agency_id"),
            Cast("specialists_see_unit", IntegerField()),
            no_text,
            Cast("direct_to_unit", IntegerField()),
            F("default_handling_days"),
        ),
        shape(Register.objects.filter(keepers=official), "keeper", F("agency_id"), F("pk"), no_text, no_int, no_int),
    ]
    return list(parts[0].union(*parts[1:], all=True))


def _all_units(scope: Scope) -> set[int]:
    return set().union(*scope.units.values()) if scope.units else set()


def _incoming_chain(scope: Scope) -> Any:
    """The handling chain of an incoming document: the people it went through, by name or unit led."""
    me = scope.official.pk
    assigned = Assignment.objects.filter(document=OuterRef("pk")).filter(
        Q(official_id=me) | Q(unit_id__in=scope.led_units) | Q(assigned_by_id=me)
    )
    return Q(presented_to_id=me) | Q(lead_handler_id=me) | Q(registered_by_id=me) | Exists(assigned)


def secret_incoming_ids(scope: Scope) -> list[int]:
    """The secret incoming documents this official may see: kept registers and handling chain.

    Secret documents are a small share (about 1 %): reading their ids first keeps the list query
    a plain index scan on `secrecy = ''` plus a short `IN` list, instead of an `OR` that defeats
    the index order.
    """
    if not scope.roles:
        return []
    secret = IncomingDocument.objects.filter(agency_id__in=scope.agency_ids).exclude(secrecy="")
    return list(secret.filter(Q(register_id__in=scope.kept_registers) | _incoming_chain(scope)).values_list("pk", flat=True)[:5000])


def visible_incoming(scope: Scope, *, secret_inline: bool = False) -> QuerySet[IncomingDocument]:
    """The incoming documents the official may see. Lists read the secret ids first (see
    `secret_incoming_ids`); a single fetch (`secret_inline`) puts the same rule in its one query."""
    if secret_inline:
        condition = Q(secrecy="") & _ordinary_incoming(scope)
        if scope.roles:
            secret = Q(agency_id__in=scope.agency_ids) & (Q(register_id__in=scope.kept_registers) | _incoming_chain(scope))
            condition |= ~Q(secrecy="") & secret
        return IncomingDocument.objects.filter(condition)
    ordinary, *secret_part = visible_incoming_parts(scope)
    return ordinary | secret_part[0] if secret_part else ordinary


def visible_incoming_parts(scope: Scope) -> list[QuerySet[IncomingDocument]]:
    """`visible_incoming` as two disjoint parts — the documents that are not secret, and the secret
    ones this official may see (when there are any) — so that a list can read each part in its
    index's order and merge them (`selectors.paginate_parts`). With both in one `… OR id IN (…)`,
    PostgreSQL cannot walk the (agency, arrival) index and sorts every document of the agency
    (0.23 s for 60,000 documents, W1)."""
    parts = [IncomingDocument.objects.filter(Q(secrecy="") & _ordinary_incoming(scope))]
    secret_ids = secret_incoming_ids(scope)
    if secret_ids:
        parts.append(IncomingDocument.objects.filter(pk__in=secret_ids))
    return parts


def _ordinary_incoming(scope: Scope) -> Any:
    """The rule for documents that are not secret, by role in each agency (see the module's docstring)."""
    me = scope.official.pk
    ordinary: Any = Q(pk__in=[])
    for agency_id, roles in scope.roles.items():
        if Role.CLERK in roles:
            ordinary |= Q(agency_id=agency_id)
        elif Role.LEADER in roles:
            ordinary |= Q(agency_id=agency_id) & ~Q(status=IncomingStatus.RECEIVED)
        else:
            targets = Q(official_id=me) | Q(assigned_by_id=me)
            led = scope.led_units & scope.units.get(agency_id, set())
            if led:
                targets |= Q(unit_id__in=led)
            if Role.SPECIALIST in roles and scope.see_unit.get(agency_id, True) and scope.units.get(agency_id):
                targets |= Q(unit_id__in=scope.units[agency_id])
            chain = Q(presented_to_id=me) | Q(lead_handler_id=me) | Q(registered_by_id=me)
            ordinary |= Q(agency_id=agency_id) & (chain | Exists(Assignment.objects.filter(document=OuterRef("pk")).filter(targets)))
    return ordinary


def visible_outgoing(scope: Scope) -> QuerySet[OutgoingDocument]:
    me = scope.official.pk
    ordinary = Q(drafter_id=me)
    secret = Q(drafter_id=me) | Q(approved_by_id=me) | Q(issued_by_id=me) | Q(register_id__in=scope.kept_registers)
    for agency_id, roles in scope.roles.items():
        here = Q(agency_id=agency_id)
        if roles & {Role.CLERK, Role.LEADER}:
            ordinary |= here & ~Q(status=OutgoingStatus.DRAFT)
        if Role.LEADER in roles:
            # The approval is the leaders' step of the chain: a secret draft waiting for it is
            # theirs to read; once approved, only the approver stays in the chain (issue 16 §14).
            secret |= here & Q(status=OutgoingStatus.TO_APPROVE)
        if agency_id in scope.keeper_of:
            # Issuing is the secret register's keepers' step: an approved secret document has no
            # register yet (it gets one, and its number, at issue).
            secret |= here & Q(status=OutgoingStatus.APPROVED)
        led = scope.led_units & scope.units.get(agency_id, set())
        if led:
            ordinary |= here & Q(drafting_unit_id__in=led)
            secret |= here & Q(drafting_unit_id__in=led)
        if Role.SPECIALIST in roles and scope.see_unit.get(agency_id, True) and scope.units.get(agency_id):
            ordinary |= here & Q(drafting_unit_id__in=scope.units[agency_id]) & ~Q(status=OutgoingStatus.DRAFT)
    return OutgoingDocument.objects.filter(agency_id__in=scope.agency_ids).filter((Q(secrecy="") & ordinary) | (~Q(secrecy="") & secret))


def _not_found() -> NotFound:
    return NotFound("not_found", _("The document does not exist or you cannot see it."))


def _refused(scope: Scope, model: Any, pk: int) -> NotFound:
    """A "not found" for an object the official may not see; when it exists, the refusal is audited
    (`access.denied`, issue 16 §12) — one look-up, on the refusal path only."""
    from chinhquyen.core.audit import record_denial

    row = model.objects.filter(pk=pk).values_list("pk", flat=True).first()
    if row is not None:
        record_denial(actor=scope.official, object_type=model._meta.label, object_id=pk, code="not_found")
    return _not_found()


def access_incoming(scope: Scope, pk: int | str, *, for_page: bool = False) -> IncomingDocument:
    """The incoming document `pk` if the official may see it; "not found" otherwise (one query).

    `for_page` also reads, in the same query, whether this official opened it before
    (`viewed_by_me`, for the timeline's "viewed" event)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise _not_found()
    visible = visible_incoming(scope, secret_inline=True)
    if for_page:
        visible = visible.annotate(
            viewed_by_me=Exists(DocumentEvent.objects.filter(incoming=OuterRef("pk"), kind=EventKind.VIEWED, actor_id=scope.official.pk))
        )
    document = (
        visible.select_related(
            "register", "lead_unit", "lead_handler", "presented_to", "registered_by", "agency", "reply", "source_outgoing"
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise _refused(scope, IncomingDocument, pk)
    return document


def access_outgoing(scope: Scope, pk: int | str) -> OutgoingDocument:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise _not_found()
    document = (
        visible_outgoing(scope)
        .select_related("register", "drafting_unit", "drafter", "approved_by", "issued_by", "agency", "reply_to", "replaces")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise _refused(scope, OutgoingDocument, pk)
    return document


def access_attachment(scope: Scope, pk: int | str) -> Attachment:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise _not_found()
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise _not_found()
    if attachment.incoming_id is not None:
        access_incoming(scope, attachment.incoming_id)
    elif attachment.outgoing_id is not None:
        access_outgoing(scope, attachment.outgoing_id)
    else:
        raise _not_found()
    return attachment


def access_register(scope: Scope, pk: int | str) -> Register:
    """Registers are printed by clerks and read by leaders of their agency; a secret one by its keepers."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise _not_found()
    register = Register.objects.select_related("agency").filter(pk=pk, agency_id__in=scope.agency_ids).first()
    if register is None or not scope.has(register.agency_id, Role.CLERK, Role.LEADER):
        raise _refused(scope, Register, pk)
    if register.is_secret and register.pk not in scope.kept_registers:
        raise _refused(scope, Register, pk)
    return register


def visible_registers(scope: Scope) -> QuerySet[Register]:
    agencies = scope.agencies_with(Role.CLERK, Role.LEADER)
    return (
        Register.objects.filter(agency_id__in=agencies)
        .filter(~Q(purpose="secret") | Q(pk__in=scope.kept_registers))
        .select_related("agency")
        .order_by("agency__name", "direction", "purpose", "name")
    )


# --- What an official may do (on a document they can already see) -----------------------------
def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied("permission_denied", _("You cannot do this on this document."))


def is_clerk(scope: Scope, agency_id: int) -> bool:
    return scope.has(agency_id, Role.CLERK)


def is_leader(scope: Scope, agency_id: int) -> bool:
    return scope.has(agency_id, Role.LEADER)


def is_unit_leader_of(scope: Scope, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in scope.led_units


def handles(scope: Scope, document: IncomingDocument, assignments: list[Assignment] | None = None) -> bool:
    """Lead handler, an assigned person, or a member of an assigned unit. `assignments`: the
    document's assignments when the caller has already read them (no query then)."""
    me = scope.official.pk
    units = _all_units(scope)
    if document.lead_handler_id == me:
        return True
    if assignments is not None:
        return any(a.active and (a.official_id == me or a.unit_id in units) for a in assignments)
    return document.assignments.filter(active=True).filter(Q(official_id=me) | Q(unit_id__in=units)).exists()
