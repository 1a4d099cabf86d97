"""Authorisation by role for Django's admin: a province administrator may manage everything
there; other officials get only the permissions given to them explicitly."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from chinhquyen.organizations.models import AccountKind, Role
from chinhquyen.organizations.selectors import roles_of


def is_province_admin(user: Any) -> bool:
    return bool(
        user.is_active and getattr(user, "kind", None) == AccountKind.OFFICIAL and roles_of(user).filter(role=Role.PROVINCE_ADMIN).exists()
    )


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return is_province_admin(user_obj) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return is_province_admin(user_obj) or super().has_module_perms(user_obj, app_label)
