"""The only way views and the API fetch agencies and officials (deny by default).

Every official may read the agency directory (it is what document exchange addresses); writes
need `agency_admin` of that agency (or of an agency above it) or `province_admin`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from chinhquyen.core.errors import NotFound, PermissionDenied
from chinhquyen.organizations.models import Account, AccountKind, Agency, Role
from chinhquyen.organizations.selectors import roles_of


def _require_official(actor: Account) -> None:
    if not actor.is_authenticated or actor.kind != AccountKind.OFFICIAL:
        raise PermissionDenied("permission_denied", _("This page is for officials."))


def access_agency_for_official(*, official: Account, agency_id: int) -> Agency:
    _require_official(official)
    agency = Agency.objects.select_related("parent").filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("not_found", _("The agency does not exist."))
    return agency


def can_administer(official: Account, agency: Agency) -> bool:
    if official.is_superuser:
        return True
    assignments = list(roles_of(official).filter(role__in=[Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN]))
    if any(a.role == Role.PROVINCE_ADMIN for a in assignments):
        return True
    administered = {a.agency_id for a in assignments}
    node: Agency | None = agency
    while node is not None:
        if node.pk in administered:
            return True
        node = node.parent
    return False


def access_agency_for_admin(*, official: Account, agency_id: int) -> Agency:
    agency = access_agency_for_official(official=official, agency_id=agency_id)
    if not can_administer(official, agency):
        raise PermissionDenied("permission_denied", _("You do not administer this agency."))
    return agency


def require_province_admin(official: Account) -> None:
    _require_official(official)
    if official.is_superuser:
        return
    if not roles_of(official).filter(role=Role.PROVINCE_ADMIN).exists():
        raise PermissionDenied("permission_denied", _("Only a province administrator can do this."))
