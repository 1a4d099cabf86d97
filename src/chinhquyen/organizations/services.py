"""Every write to agencies, units, officials, roles and delegations.

Each service runs in one transaction with its audit event, validates everything before it
writes, and refuses with a `DomainError` (code + Vietnamese message) leaving nothing changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chinhquyen.core import uploads
from chinhquyen.core.audit import record_event
from chinhquyen.core.errors import DomainError
from chinhquyen.core.folding import nfc
from chinhquyen.core.locks import lock_for_transaction
from chinhquyen.organizations.models import (
    AGENCY_CODE_RE,
    LEVEL_ORDER,
    Account,
    AccountKind,
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Applicant,
    ApplicantKind,
    Delegation,
    Position,
    Role,
    RoleAssignment,
    SuccessionKind,
    Unit,
    UnitMembership,
)


def _overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def _covers(outer_from: dt.date, outer_to: dt.date | None, inner_from: dt.date, inner_to: dt.date | None) -> bool:
    if inner_from < outer_from:
        return False
    if outer_to is None:
        return True
    return inner_to is not None and inner_to <= outer_to


def _check_validity(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            "validity.order",
            _("The end date %(to)s is before the start date %(from)s.")
            % {"to": valid_to.strftime("%d/%m/%Y"), "from": valid_from.strftime("%d/%m/%Y")},
            fields={"valid_to": [_("Must be on or after the start date.")]},
        )


def _check_code(code: str) -> None:
    if not AGENCY_CODE_RE.match(code):
        raise DomainError(
            "agency.code_invalid",
            _("“%(code)s” is not an electronic identifier code of the form 000.00.00.H28.") % {"code": code},
            fields={"code": [_("Expected the form 000.00.00.H28 (QCVN 102:2016).")]},
        )


def _check_code_free(code: str, valid_from: dt.date, valid_to: dt.date | None, *, exclude_pk: int | None) -> None:
    """A code belongs to one agency on any given day (QĐ 20/2020: one identifier, one body)."""
    lock_for_transaction(f"agency-code:{code}")
    others = Agency.objects.filter(code=code).exclude(pk=exclude_pk)
    for other in others:
        if _overlaps(valid_from, valid_to, other.valid_from, other.valid_to):
            raise DomainError(
                "agency.code_taken",
                _("The code %(code)s is already used by “%(name)s” on overlapping dates.") % {"code": code, "name": other.name},
                fields={"code": [_("Already used by another agency valid on the same days.")]},
            )


def _check_parent(agency_pk: int | None, parent: Agency | None, level: str, valid_from: dt.date, valid_to: dt.date | None) -> None:
    if parent is None:
        return
    if agency_pk is not None:
        # Walk up from the new parent: meeting the agency itself means a cycle.
        seen: set[int] = set()
        node: Agency | None = parent
        while node is not None:
            if node.pk == agency_pk:
                raise DomainError(
                    "agency.cycle",
                    _("An agency cannot be placed under itself or under one of its own subordinates."),
                    fields={"parent": [_("This would create a cycle.")]},
                )
            if node.pk in seen:
                break
            seen.add(node.pk)
            node = node.parent
    if not _covers(parent.valid_from, parent.valid_to, valid_from, valid_to):
        raise DomainError(
            "agency.parent_not_valid",
            _("The managing body “%(name)s” is not in force for the whole period of this agency.") % {"name": parent.name},
            fields={"parent": [_("The managing body must be in force for the whole period.")]},
        )
    if LEVEL_ORDER[AgencyLevel(level)] < LEVEL_ORDER[AgencyLevel(parent.level)]:
        raise DomainError(
            "agency.level_above_parent",
            _("An agency cannot be at a higher level than its managing body."),
            fields={"level": [_("Higher than the managing body.")]},
        )


def _agency_summary(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "level": agency.level,
        "kind": agency.kind,
        "parent": agency.parent.code if agency.parent else None,
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
    }


def create_agency(
    *,
    code: str,
    name: str,
    level: str,
    valid_from: dt.date,
    kind: str = AgencyKind.OTHER,
    parent: Agency | None = None,
    valid_to: dt.date | None = None,
    short_name: str = "",
    administrative_unit_code: str = "",
    code_verified: bool = True,
    legal_reference: str = "",
    actor: Account | None = None,
) -> Agency:
    """Create an agency. Refuses a malformed code, a code in use on overlapping days, a managing
    body not in force for the whole period, or a level above the managing body's."""
    code = code.strip().upper()
    name = nfc(name.strip())
    if not name:
        raise DomainError("agency.name_required", _("The agency name is required."), fields={"name": [_("Required.")]})
    if level not in AgencyLevel.values:
        raise DomainError(
            "agency.level_invalid", _("Unknown level “%(level)s”.") % {"level": level}, fields={"level": [_("Unknown value.")]}
        )
    if kind not in AgencyKind.values:
        raise DomainError(
            "agency.kind_invalid", _("Unknown agency kind “%(kind)s”.") % {"kind": kind}, fields={"kind": [_("Unknown value.")]}
        )
    _check_code(code)
    _check_validity(valid_from, valid_to)
    with transaction.atomic():
        _check_code_free(code, valid_from, valid_to, exclude_pk=None)
        _check_parent(None, parent, level, valid_from, valid_to)
        agency = Agency.objects.create(
            code=code,
            name=name,
            short_name=short_name.strip(),
            level=level,
            kind=kind,
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
            administrative_unit_code=administrative_unit_code,
            code_verified=code_verified,
            legal_reference=legal_reference,
        )
        record_event(
            action="agency.created",
            actor=actor,
            agency_id=agency.pk,
            object_type="agency",
            object_id=agency.pk,
            summary={"after": _agency_summary(agency)},
        )
    return agency


def update_agency(*, agency: Agency, actor: Account | None = None, **changes: Any) -> Agency:
    """Change an agency's fields (name, code, parent, level, kind, dates…), re-checking every rule."""
    allowed = {
        "code",
        "name",
        "short_name",
        "level",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
        "administrative_unit_code",
        "code_verified",
        "legal_reference",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError("agency.field_unknown", _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        current = Agency.objects.select_for_update().get(pk=agency.pk)
        before = _agency_summary(current)
        for field, value in changes.items():
            setattr(current, field, value)
        current.code = current.code.strip().upper()
        current.name = nfc(current.name.strip())
        _check_code(current.code)
        _check_validity(current.valid_from, current.valid_to)
        _check_code_free(current.code, current.valid_from, current.valid_to, exclude_pk=current.pk)
        _check_parent(current.pk, current.parent, current.level, current.valid_from, current.valid_to)
        for child in current.children.all():
            if not _covers(current.valid_from, current.valid_to, child.valid_from, child.valid_to):
                raise DomainError(
                    "agency.children_outlive",
                    _("The subordinate “%(name)s” would be in force outside this agency's period; close it first.") % {"name": child.name},
                    fields={"valid_to": [_("A subordinate agency is in force beyond this date.")]},
                )
        current.save()
        record_event(
            action="agency.updated",
            actor=actor,
            agency_id=current.pk,
            object_type="agency",
            object_id=current.pk,
            summary={"before": before, "after": _agency_summary(current)},
        )
    agency.refresh_from_db()
    return agency


def close_agency(*, agency: Agency, last_day: dt.date, actor: Account | None = None) -> Agency:
    """Close an agency and every subordinate agency and unit still open after `last_day`."""
    with transaction.atomic():
        _close_subtree(agency, last_day, actor)
    agency.refresh_from_db()
    return agency


def _close_subtree(agency: Agency, last_day: dt.date, actor: Account | None) -> None:
    for child in agency.children.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)):
        if child.valid_from > last_day:
            raise DomainError(
                "agency.child_starts_later", _("The subordinate “%(name)s” starts after the closing date.") % {"name": child.name}
            )
        _close_subtree(child, last_day, actor)
    Unit.objects.filter(agency=agency).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)).update(valid_to=last_day)
    if agency.valid_to is None or agency.valid_to > last_day:
        if last_day < agency.valid_from:
            raise DomainError("validity.order", _("The closing date is before the agency came into force."))
        before = _agency_summary(agency)
        agency.valid_to = last_day
        agency.save(update_fields=["valid_to"])
        record_event(
            action="agency.closed",
            actor=actor,
            agency_id=agency.pk,
            object_type="agency",
            object_id=agency.pk,
            summary={"before": before, "after": _agency_summary(agency)},
        )


def record_succession(
    *,
    predecessors: Iterable[Agency],
    successors: Iterable[Agency],
    kind: str,
    effective_date: dt.date,
    legal_reference: str = "",
    close_predecessors: bool = True,
    actor: Account | None = None,
) -> list[AgencySuccession]:
    """Record a merger (many → one), a split (one → many) or a rename (one → one).

    The predecessors are closed on the day before `effective_date` (with their subordinates)
    unless already closed; each successor must be in force on `effective_date`.
    """
    preds, succs = list(predecessors), list(successors)
    if kind not in SuccessionKind.values:
        raise DomainError("succession.kind_invalid", _("Unknown succession kind “%(kind)s”.") % {"kind": kind})
    if not preds or not succs:
        raise DomainError("succession.empty", _("A succession needs at least one predecessor and one successor."))
    if kind == SuccessionKind.MERGER and len(succs) != 1:
        raise DomainError("succession.merger_shape", _("A merger has exactly one successor."))
    if kind == SuccessionKind.SPLIT and len(preds) != 1:
        raise DomainError("succession.split_shape", _("A split has exactly one predecessor."))
    if kind == SuccessionKind.RENAME and (len(preds) != 1 or len(succs) != 1):
        raise DomainError("succession.rename_shape", _("A rename has one predecessor and one successor."))
    if {a.pk for a in preds} & {a.pk for a in succs}:
        raise DomainError("succession.same_agency", _("An agency cannot succeed itself."))
    for successor in succs:
        if not successor.is_valid_on(effective_date):
            raise DomainError(
                "succession.successor_not_valid",
                _("The successor “%(name)s” is not in force on %(date)s.")
                % {"name": successor.name, "date": effective_date.strftime("%d/%m/%Y")},
            )
    last_day = effective_date - dt.timedelta(days=1)
    created: list[AgencySuccession] = []
    with transaction.atomic():
        for predecessor in preds:
            if close_predecessors:
                _close_subtree(predecessor, last_day, actor)
            for successor in succs:
                created.append(
                    AgencySuccession.objects.create(
                        predecessor=predecessor,
                        successor=successor,
                        kind=kind,
                        effective_date=effective_date,
                        legal_reference=legal_reference,
                    )
                )
        record_event(
            action="agency.succession",
            actor=actor,
            object_type="agency_succession",
            object_id=",".join(str(s.pk) for s in created),
            summary={
                "kind": kind,
                "predecessors": [a.code for a in preds],
                "successors": [a.code for a in succs],
                "effective_date": effective_date,
                "legal_reference": legal_reference,
            },
        )
    return created


def create_unit(
    *, agency: Agency, name: str, valid_from: dt.date, valid_to: dt.date | None = None, short_name: str = "", actor: Account | None = None
) -> Unit:
    name = nfc(name.strip())
    if not name:
        raise DomainError("unit.name_required", _("The unit name is required."), fields={"name": [_("Required.")]})
    _check_validity(valid_from, valid_to)
    if not _covers(agency.valid_from, agency.valid_to, valid_from, valid_to):
        raise DomainError(
            "unit.agency_not_valid", _("The agency “%(name)s” is not in force for the whole period of this unit.") % {"name": agency.name}
        )
    with transaction.atomic():
        unit = Unit.objects.create(agency=agency, name=name, short_name=short_name, valid_from=valid_from, valid_to=valid_to)
        record_event(
            action="unit.created",
            actor=actor,
            agency_id=agency.pk,
            object_type="unit",
            object_id=unit.pk,
            summary={"name": name, "valid_from": valid_from, "valid_to": valid_to},
        )
    return unit


def _check_password(password: str, account: Account | None = None) -> None:
    try:
        validate_password(password, user=account)
    except ValidationError as exc:
        raise DomainError("account.password_weak", " ".join(exc.messages), fields={"password": exc.messages}) from exc


def create_official(
    *,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    is_demo: bool = False,
    actor: Account | None = None,
) -> Account:
    """Create an official's account. Real accounts need a password of at least 12 characters."""
    username = username.strip().lower()
    if not username:
        raise DomainError("account.username_required", _("The user name is required."), fields={"username": [_("Required.")]})
    if Account.objects.filter(username=username).exists():
        raise DomainError(
            "account.username_taken",
            _("The user name “%(username)s” is already taken.") % {"username": username},
            fields={"username": [_("Already taken.")]},
        )
    account = Account(
        username=username, full_name=nfc(full_name.strip()), email=email, phone=phone, kind=AccountKind.OFFICIAL, is_demo=is_demo
    )
    if not is_demo:
        _check_password(password, account)
    account.set_password(password)
    with transaction.atomic():
        account.save()
        record_event(
            action="official.created",
            actor=actor,
            object_type="account",
            object_id=account.pk,
            summary={"username": username, "full_name": account.full_name},
        )
    return account


def create_applicant(
    *,
    username: str,
    full_name: str,
    password: str,
    kind: str = ApplicantKind.CITIZEN,
    identity_number: str = "",
    tax_code: str = "",
    email: str = "",
    phone: str = "",
) -> Applicant:
    """Create a citizen's or business's portal account."""
    username = username.strip().lower()
    if Account.objects.filter(username=username).exists():
        raise DomainError(
            "account.username_taken",
            _("The user name “%(username)s” is already taken.") % {"username": username},
            fields={"username": [_("Already taken.")]},
        )
    if identity_number and not (identity_number.isdigit() and len(identity_number) == 12):
        raise DomainError(
            "applicant.identity_invalid",
            _("The personal identification number has 12 digits."),
            fields={"identity_number": [_("12 digits.")]},
        )
    account = Account(username=username, full_name=nfc(full_name.strip()), email=email, phone=phone, kind=AccountKind.APPLICANT)
    _check_password(password, account)
    account.set_password(password)
    with transaction.atomic():
        account.save()
        applicant = Applicant.objects.create(account=account, kind=kind, identity_number=identity_number, tax_code=tax_code)
        record_event(
            action="applicant.created", object_type="applicant", object_id=applicant.pk, summary={"username": username, "kind": kind}
        )
    return applicant


def assign_role(
    *,
    official: Account,
    agency: Agency,
    role: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    unit: Unit | None = None,
    position: Position | None = None,
    actor: Account | None = None,
) -> RoleAssignment:
    """Give an official a role in an agency for a period. The same role in the same agency
    cannot overlap itself; an official may hold roles in several agencies."""
    if official.kind != AccountKind.OFFICIAL:
        raise DomainError("role.not_official", _("Only officials can hold roles in an agency."))
    if role not in Role.values:
        raise DomainError("role.invalid", _("Unknown role “%(role)s”.") % {"role": role}, fields={"role": [_("Unknown value.")]})
    _check_validity(valid_from, valid_to)
    if unit is not None and unit.agency_id != agency.pk:
        raise DomainError(
            "role.unit_other_agency", _("The unit does not belong to this agency."), fields={"unit": [_("Another agency's unit.")]}
        )
    if not _covers(agency.valid_from, agency.valid_to, valid_from, valid_to):
        raise DomainError(
            "role.agency_not_valid", _("The agency “%(name)s” is not in force for the whole period of this role.") % {"name": agency.name}
        )
    with transaction.atomic():
        lock_for_transaction(f"role:{official.pk}:{agency.pk}:{role}")
        for other in RoleAssignment.objects.filter(official=official, agency=agency, role=role):
            if _overlaps(valid_from, valid_to, other.valid_from, other.valid_to):
                raise DomainError("role.overlap", _("This official already holds this role in this agency on overlapping dates."))
        assignment = RoleAssignment.objects.create(
            official=official, agency=agency, role=role, valid_from=valid_from, valid_to=valid_to, unit=unit, position=position
        )
        if role == Role.PROVINCE_ADMIN and not official.is_staff:
            # Django's admin opens to staff only; the role backend gives a province admin its permissions.
            Account.objects.filter(pk=official.pk).update(is_staff=True)
            official.is_staff = True
        if unit is not None and not UnitMembership.objects.filter(official=official, unit=unit).exists():
            UnitMembership.objects.create(official=official, unit=unit, position=position, valid_from=valid_from, valid_to=valid_to)
        record_event(
            action="role.assigned",
            actor=actor,
            agency_id=agency.pk,
            object_type="role_assignment",
            object_id=assignment.pk,
            summary={"official": official.username, "role": role, "valid_from": valid_from, "valid_to": valid_to},
        )
    return assignment


def create_delegation(
    *,
    leader: Account,
    delegate: Account,
    agency: Agency,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str = "",
    actor: Account | None = None,
) -> Delegation:
    """A leader delegates their authority in `agency` to `delegate` for a period (ủy quyền)."""
    if leader.pk == delegate.pk:
        raise DomainError("delegation.self", _("A leader cannot delegate to themselves."))
    if ends_on < starts_on:
        raise DomainError(
            "validity.order",
            _("The end date %(to)s is before the start date %(from)s.")
            % {"to": ends_on.strftime("%d/%m/%Y"), "from": starts_on.strftime("%d/%m/%Y")},
        )
    if not RoleAssignment.objects.valid_on(starts_on).filter(official=leader, agency=agency, role=Role.LEADER).exists():
        raise DomainError("delegation.not_leader", _("Only a leader of the agency can delegate."))
    if not RoleAssignment.objects.valid_on(starts_on).filter(official=delegate, agency=agency).exists():
        raise DomainError("delegation.delegate_outside", _("The delegate must hold a role in the same agency."))
    with transaction.atomic():
        delegation = Delegation.objects.create(
            leader=leader, delegate=delegate, agency=agency, starts_on=starts_on, ends_on=ends_on, reason=reason
        )
        record_event(
            action="delegation.created",
            actor=actor,
            agency_id=agency.pk,
            object_type="delegation",
            object_id=delegation.pk,
            summary={"leader": leader.username, "delegate": delegate.username, "starts_on": starts_on, "ends_on": ends_on},
        )
    return delegation


def start_agency_import(*, actor: Account, upload: Any, language: str = "vi") -> Any:
    """Keep an uploaded agency list (Excel, CSV or the axis JSON) and queue its import; return the job.

    The file passes the upload policy first (`core.uploads.IMPORT_AGENCIES`). Raises `upload.*`.
    """
    from chinhquyen.core.models import JobProgress
    from chinhquyen.organizations.tasks import IMPORT_KIND, import_agencies_task

    checked = uploads.check_upload(upload, intake=uploads.IMPORT_AGENCIES, field="file")
    with uploads.removed_on_failure(), transaction.atomic():
        storage_name = uploads.save_to_storage("imports", checked)
        job = JobProgress.objects.create(kind=IMPORT_KIND, created_by=actor, report={"filename": checked.name})
        # Enqueued in the job's transaction: no task without its job, no job without its task.
        import_agencies_task.enqueue(job.pk, storage_name, checked.name, language)
        record_event(
            action="organizations.import_started", actor=actor, object_type="core.JobProgress", object_id=job.pk,
            summary={"file": checked.name, "sha256": checked.sha256},
        )  # fmt: skip
    return job
