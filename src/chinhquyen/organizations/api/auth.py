"""API authentication: django-rest-knox tokens (hashed, expiring), for active officials only (ADR 0033)."""

from __future__ import annotations

from typing import Any

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from chinhquyen.organizations.models import AccountKind


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's check (digest, expiry) and ours: the account is an active official.

    Password change, deactivation, logout and second-factor reset delete the account's tokens
    (`organizations.authentication.revoke_tokens`); this check holds even where a change bypassed
    them (a bulk `update(is_active=False)`).
    """

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user = auth_token.user
        if not user.is_active or user.kind != AccountKind.OFFICIAL:
            raise exceptions.AuthenticationFailed()
        return (user, auth_token)
