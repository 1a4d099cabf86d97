"""The only way views and the API fetch dossiers (deny by default; issue 8 item 4).

Who sees a dossier: counter officers of the receiving agency; processing officers of the
competent agency and of every agency a step went through; leaders of those agencies. Nobody
else — not the clerk of another agency, not a citizen (the public tracking call is separate and
needs the applicant's ID number). Lists filter silently; a dossier one may not see answers
"not found", like one that does not exist, so codes cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from chinhquyen.core.errors import NotFound, PermissionDenied
from chinhquyen.dossiers.models import Dossier, DossierStep
from chinhquyen.organizations.models import Account, AccountKind, Agency, Role
from chinhquyen.organizations.selectors import roles_of


@dataclass
class Scope:
    """The agencies in which an official holds each one-stop role today."""

    counter: set[int] = field(default_factory=set)
    processing: set[int] = field(default_factory=set)
    leader: set[int] = field(default_factory=set)

    @property
    def any(self) -> bool:
        return bool(self.counter or self.processing or self.leader)

    @property
    def all_agencies(self) -> set[int]:
        return self.counter | self.processing | self.leader


def scope_of(official: Account) -> Scope:
    """The official's one-stop roles today; kept on the account object for the rest of the request."""
    cached = getattr(official, "_one_stop_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    scope = Scope()
    if not official.is_authenticated or official.kind != AccountKind.OFFICIAL:
        return scope
    for assignment in roles_of(official):
        if assignment.role == Role.COUNTER_OFFICER:
            scope.counter.add(assignment.agency_id)
        elif assignment.role == Role.PROCESSING_OFFICER:
            scope.processing.add(assignment.agency_id)
        elif assignment.role == Role.LEADER:
            scope.leader.add(assignment.agency_id)
    official._one_stop_scope = scope  # type: ignore[attr-defined]
    return scope


def require_one_stop_official(official: Account) -> Scope:
    scope = scope_of(official)
    if not scope.any:
        raise PermissionDenied("permission_denied", _("Only one-stop officials (counter, processing, leaders) can do this."))
    return scope


def dossiers_visible_to(official: Account, scope: Scope | None = None) -> QuerySet[Dossier]:
    """Every dossier the official may see (an empty queryset for anyone else)."""
    scope = scope or scope_of(official)
    if not scope.any:
        return Dossier.objects.none()
    step_agencies = scope.processing | scope.leader
    in_steps = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=step_agencies)
    condition = (
        Q(receiving_agency_id__in=scope.counter | scope.leader)
        | Q(competent_agency_id__in=step_agencies)
        | Q(current_agency_id__in=step_agencies)
        | Exists(in_steps)
    )
    return Dossier.objects.filter(condition)


def can_see(official: Account, dossier: Dossier, scope: Scope | None = None) -> bool:
    scope = scope or scope_of(official)
    if dossier.receiving_agency_id in scope.counter | scope.leader:
        return True
    step_agencies = scope.processing | scope.leader
    if dossier.competent_agency_id in step_agencies or dossier.current_agency_id in step_agencies:
        return True
    return bool(step_agencies) and dossier.steps.filter(agency_id__in=step_agencies).exists()  # type: ignore[attr-defined]


def access_dossier_for_officer(*, officer: Account, code: str) -> Dossier:
    """The dossier `code`, if the officer may see it; NotFound otherwise (the same answer as a missing code)."""
    scope = require_one_stop_official(officer)
    dossier = (
        Dossier.objects.select_related("procedure", "version", "receiving_agency", "competent_agency", "current_agency")
        .filter(code=code)
        .first()
    )
    if dossier is None or not can_see(officer, dossier, scope):
        if dossier is not None:
            from chinhquyen.core.audit import record_denial

            record_denial(actor=officer, object_type="dossiers.Dossier", object_id=dossier.pk, code="not_found")
        raise NotFound("dossier.not_found", _("There is no dossier %(code)s among those you may see.") % {"code": code})
    return dossier


#: Actions done at the counter of the receiving agency.
COUNTER_ACTIONS = frozenset({"receive", "receive_supplement", "record_payment", "return_result", "withdraw", "refuse_at_counter"})


def may_act(official: Account, dossier: Dossier, action: str, scope: Scope | None = None) -> bool:
    """Whether the official may do `action` now.

    Counter actions: a counter officer of the receiving agency. Processing actions (hand over,
    supplement request, result, apology, stop, refusal after appraisal): the holder of the
    current step — its officer, or an official with the step's role in its agency — or a leader
    of the current or competent agency. A counter officer also holds the reception step.
    """
    scope = scope or scope_of(official)
    if action in COUNTER_ACTIONS:
        return dossier.receiving_agency_id in scope.counter or (
            action == "record_payment" and dossier.current_agency_id in scope.processing
        )
    if dossier.current_agency_id in scope.leader or dossier.competent_agency_id in scope.leader:
        return True
    step = current_step(dossier)
    if step is None:
        return False
    if step.handler_id == official.pk:
        return True
    by_role = {"counter_officer": scope.counter, "processing_officer": scope.processing, "leader": scope.leader}
    return step.agency_id in by_role.get(step.role, set())


def current_step(dossier: Dossier) -> DossierStep | None:
    return dossier.steps.filter(finished_at__isnull=True).order_by("-position").first()  # type: ignore[attr-defined, no-any-return]


def require_action(official: Account, dossier: Dossier, action: str) -> None:
    if not may_act(official, dossier, action):
        from chinhquyen.core.audit import record_denial

        record_denial(actor=official, object_type="dossiers.Dossier", object_id=dossier.pk, code=f"permission_denied:{action}")
        raise PermissionDenied("permission_denied", _("You may not do this on dossier %(code)s now.") % {"code": dossier.code})


def require_counter_officer_of(official: Account, agency: Agency) -> None:
    if agency.pk not in scope_of(official).counter:
        raise PermissionDenied(
            "permission_denied", _("Only a counter officer of %(agency)s can receive dossiers there.") % {"agency": agency.name}
        )


def counter_agencies(official: Account) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=scope_of(official).counter).order_by("name")


def access_dossier_for_applicant(*, applicant: Account, code: str) -> Dossier:
    """The applicant's own dossier `code` (the portal's pages); NotFound for any other, like a missing code."""
    dossier = (
        Dossier.objects.select_related("procedure", "competent_agency").filter(code=code, applicant_account=applicant).first()
        if applicant.is_authenticated
        else None
    )
    if dossier is None:
        raise NotFound("dossier.not_found", _("There is no dossier %(code)s among yours.") % {"code": code})
    return dossier


def dossier_for_receipt_check(code: str) -> Dossier | None:
    """The dossier `code` for the public tracking page, which then checks the secret printed on the
    receipt itself (`portal.views._find_dossier`); nothing else may use it."""
    return Dossier.objects.select_related("procedure", "receiving_agency", "competent_agency", "current_agency").filter(code=code).first()
