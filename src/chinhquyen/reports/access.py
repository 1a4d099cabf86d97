"""Who sees which figures: the only way the views decide it.

- The province's page (every agency, ranking, drill-down): province administrators, leaders of the
  province's own bodies without a managing body (the People's Committee), and superusers.
- An agency's page: the above, and the leaders of that agency — their own figures only.
- The public page needs nobody: it shows only the indicators marked `published`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chinhquyen.core.audit import record_denial
from chinhquyen.core.errors import NotFound, PermissionDenied
from chinhquyen.organizations.models import Account, Agency, Role
from chinhquyen.organizations.selectors import roles_of


def sees_province(official: Account) -> bool:
    if official.is_superuser:
        return True
    for assignment in roles_of(official):
        if assignment.role == Role.PROVINCE_ADMIN:
            return True
        if assignment.role == Role.LEADER and assignment.agency.parent_id is None:
            return True
    return False


def led_agencies(official: Account) -> list[int]:
    return sorted({a.agency_id for a in roles_of(official) if a.role == Role.LEADER})


def require_province(official: Account) -> None:
    if not sees_province(official):
        record_denial(actor=official, object_type="reports.province", code="permission_denied")
        raise PermissionDenied("permission_denied", _("Only the province's leaders and administrators see every agency's figures."))


def access_agency_for_viewer(*, official: Account, agency_id: int) -> Agency:
    """The agency whose figures `official` may see, or PermissionDenied / not found."""
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("reports.agency_unknown", _("No such agency."))
    if sees_province(official) or agency.pk in led_agencies(official):
        return agency
    record_denial(actor=official, object_type="organizations.Agency", object_id=agency.pk, code="permission_denied", agency_id=agency.pk)
    raise PermissionDenied("permission_denied", _("You see the figures of the agencies you lead only."))


def surveyed_agencies(official: Account) -> list[Agency]:
    """The agencies whose yearly survey `official` fills in (agency administrator)."""
    ids = {a.agency_id for a in roles_of(official) if a.role == Role.AGENCY_ADMIN}
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


PROVINCE_ONLY = _("Only the province's leaders and administrators see every agency's figures.")
UNKNOWN_INDICATOR = _("No such indicator.")
UNKNOWN_AGENCY = _("No such agency.")
ADMIN_ONLY = _("Only an agency's administrator fills in its yearly survey.")
