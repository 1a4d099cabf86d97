"""What every page shows about the official: name, agencies and roles, the navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from chinhquyen.core.navigation import items_for
from chinhquyen.organizations.models import AccountKind, Role
from chinhquyen.organizations.selectors import roles_of


def official_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"site_name": settings.SITE_NAME}
    if user is None or not user.is_authenticated or user.kind != AccountKind.OFFICIAL:
        return context
    assignments = list(roles_of(user))
    agencies: dict[int, dict[str, Any]] = {}
    for assignment in assignments:
        entry = agencies.setdefault(assignment.agency_id, {"agency": assignment.agency, "roles": []})
        entry["roles"].append(assignment.get_role_display())
    roles = {a.role for a in assignments}
    context.update(
        {
            "nav_items": items_for(roles={str(r) for r in roles}, is_staff=user.is_staff, is_superuser=user.is_superuser),
            "my_agencies": list(agencies.values()),
            "my_roles": roles,
            "is_admin": user.is_superuser or bool(roles & {Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN}),
            "is_province_admin": user.is_superuser or Role.PROVINCE_ADMIN in roles,
        }
    )
    return context
