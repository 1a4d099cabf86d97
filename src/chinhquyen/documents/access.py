"""The only way pages, the API and tasks reach documents (issue 4 §8; STYLE.md: one choke point).

An official sees documents of their own agencies according to role:

- clerks and leaders: every document of the agency (clerks also what waits to be registered;
  drafts stay with their drafters until submitted);
- unit leaders: what is assigned to, or drafted in, a unit they lead;
- specialists: what is assigned to them, and to their unit when the agency's rules say so
  (`AgencyRules.specialists_see_unit`); their own drafts;
- secret documents (any `secrecy`): only the keepers of the secret register and the people in
  the document's handling chain (presented to, instructed, assigned, drafting, approving);
- nothing of another agency, except what was sent to it (which is then that agency's incoming
  document).

Lists filter inside the query (`visible_incoming`, `visible_outgoing`): a forbidden row is never
read, so no count leaks. A single fetch of a forbidden object answers "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from chinhquyen.core.errors import NotFound, PermissionDenied
from chinhquyen.documents.models import (
    AgencyRules,
    Assignment,
    Attachment,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    Register,
)
from chinhquyen.organizations.models import Account, AccountKind, Role, UnitMembership
from chinhquyen.organizations.selectors import roles_of, today


@dataclass
class Scope:
    """What an official is, where: computed once per request (two queries)."""

    official: Account
    roles: dict[int, set[str]] = field(default_factory=dict)  # agency id → roles
    units: dict[int, set[int]] = field(default_factory=dict)  # agency id → units the official belongs to
    led_units: set[int] = field(default_factory=set)  # units where the official is unit leader
    see_unit: dict[int, bool] = field(default_factory=dict)  # agency id → specialists see their unit's documents
    kept_registers: set[int] = field(default_factory=set)

    def has(self, agency_id: int, *roles: str) -> bool:
        return bool(self.roles.get(agency_id, set()) & set(roles))

    def agencies_with(self, *roles: str) -> list[int]:
        return sorted(a for a, rs in self.roles.items() if rs & set(roles))

    @property
    def agency_ids(self) -> list[int]:
        return sorted(self.roles)


def scope_of(official: Account) -> Scope:
    if not official.is_authenticated or official.kind != AccountKind.OFFICIAL:
        raise PermissionDenied("permission_denied", _("This page is for officials."))
    scope = Scope(official=official)
    for assignment in roles_of(official):
        scope.roles.setdefault(assignment.agency_id, set()).add(str(assignment.role))
        if assignment.unit_id:
            scope.units.setdefault(assignment.agency_id, set()).add(assignment.unit_id)
            if assignment.role == Role.UNIT_LEADER:
                scope.led_units.add(assignment.unit_id)
    for membership in UnitMembership.objects.valid_on(today()).filter(official=official).select_related("unit"):
        if membership.unit.agency_id in scope.roles:
            scope.units.setdefault(membership.unit.agency_id, set()).add(membership.unit_id)
    rules = dict(AgencyRules.objects.filter(agency_id__in=list(scope.roles)).values_list("agency_id", "specialists_see_unit"))
    scope.see_unit = {a: rules.get(a, True) for a in scope.roles}
    scope.kept_registers = set(Register.objects.filter(keepers=official).values_list("pk", flat=True))
    return scope


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


def visible_incoming(scope: Scope) -> QuerySet[IncomingDocument]:
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
    secret_ids = secret_incoming_ids(scope)
    condition = Q(secrecy="") & ordinary
    if secret_ids:
        condition |= Q(pk__in=secret_ids)
    return IncomingDocument.objects.filter(condition)


def visible_outgoing(scope: Scope) -> QuerySet[OutgoingDocument]:
    me = scope.official.pk
    ordinary = Q(drafter_id=me)
    secret = Q(drafter_id=me) | Q(approved_by_id=me) | Q(issued_by_id=me) | Q(register_id__in=scope.kept_registers)
    for agency_id, roles in scope.roles.items():
        here = Q(agency_id=agency_id)
        if roles & {Role.CLERK, Role.LEADER}:
            ordinary |= here & ~Q(status=OutgoingStatus.DRAFT)
        if Role.LEADER in roles:
            secret |= here & ~Q(status=OutgoingStatus.DRAFT)
        led = scope.led_units & scope.units.get(agency_id, set())
        if led:
            ordinary |= here & Q(drafting_unit_id__in=led)
            secret |= here & Q(drafting_unit_id__in=led)
        if Role.SPECIALIST in roles and scope.see_unit.get(agency_id, True) and scope.units.get(agency_id):
            ordinary |= here & Q(drafting_unit_id__in=scope.units[agency_id]) & ~Q(status=OutgoingStatus.DRAFT)
    return OutgoingDocument.objects.filter(agency_id__in=scope.agency_ids).filter((Q(secrecy="") & ordinary) | (~Q(secrecy="") & secret))


def _not_found() -> NotFound:
    return NotFound("not_found", _("The document does not exist or you cannot see it."))


def access_incoming(scope: Scope, pk: int | str) -> IncomingDocument:
    """The incoming document `pk` if the official may see it; "not found" otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise _not_found()
    document = (
        visible_incoming(scope)
        .select_related("register", "lead_unit", "lead_handler", "presented_to", "registered_by", "agency", "reply", "source_outgoing")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise _not_found()
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
        raise _not_found()
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
        raise _not_found()
    if register.is_secret and register.pk not in scope.kept_registers:
        raise _not_found()
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


def handles(scope: Scope, document: IncomingDocument) -> bool:
    """Lead handler, an assigned person, or a member of an assigned unit."""
    me = scope.official.pk
    units = _all_units(scope)
    return (
        document.lead_handler_id == me or document.assignments.filter(active=True).filter(Q(official_id=me) | Q(unit_id__in=units)).exists()
    )
