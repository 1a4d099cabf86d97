"""API authentication: django-rest-knox tokens (hashed, expiring), for active officials only (ADR 0033)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
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


class TokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI description of the token (the header clients already send)."""

    target_class = "chinhquyen.organizations.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"; the token comes from '
            "POST /api/v1/auth/token/ and expires after API_TOKEN_HOURS (ADR 0033).",
        }
